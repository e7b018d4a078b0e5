"""The model builders, one module per kind of network.

* :mod:`~dlcourse.models.dense`: :func:`~dlcourse.build_dense`.
* :mod:`~dlcourse.models.convnet`: :func:`~dlcourse.build_convnet`.
* :mod:`~dlcourse.models.regularization`: weight penalties, weight constraints, data augmentation.
* :mod:`~dlcourse.models.blocks`: the VGG block, the Inception module, the residual block.
* :mod:`~dlcourse.models.architectures`: LeNet-5, AlexNet, VGG-16 and small trainable networks.
* :mod:`~dlcourse.models.pretrained`: ImageNet networks from ``keras.applications``.
* :mod:`~dlcourse.models.transfer`: a new head on a pretrained base, feature extraction.
* :mod:`~dlcourse.models.autoencoders`: dense and convolutional autoencoders.

Every builder validates its arguments first and returns an *uncompiled* functional
``keras.Model``; compile it with :func:`dlcourse.compile_model`. The student-facing names are
reached from the top level (``dlcourse.build_dense``).
"""
