"""The model builders, one module per kind of network.

Every builder checks its arguments first and returns an *uncompiled* functional ``keras.Model``;
compile it with :func:`dlcourse.compile_model`.
"""
