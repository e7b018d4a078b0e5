"""The model builders: dense networks, convnets, transfer learning and classic architectures.

Every builder validates its arguments first and returns an *uncompiled* functional
``keras.Model``; compile it with :func:`dlcourse.heads.compile_model`.
"""

from dlcourse.models.blocks import inception_module, residual_block, vgg_block
from dlcourse.models.classic import alexnet, lenet5, vgg16
from dlcourse.models.convnet import build_convnet
from dlcourse.models.dense import build_dense
from dlcourse.models.small import small_inception, small_resnet, small_vgg
from dlcourse.models.transfer import (
    WeightsFile,
    build_transfer_model,
    extract_features,
    preprocess_input_for,
    pretrained_base,
    pretrained_weights_file,
    set_trainable_layers,
)

__all__ = [
    "build_dense",
    "build_convnet",
    "pretrained_base",
    "pretrained_weights_file",
    "WeightsFile",
    "preprocess_input_for",
    "build_transfer_model",
    "extract_features",
    "set_trainable_layers",
    "lenet5",
    "alexnet",
    "vgg_block",
    "vgg16",
    "inception_module",
    "residual_block",
    "small_vgg",
    "small_inception",
    "small_resnet",
]
