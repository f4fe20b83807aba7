"""Who may do what: password hashing and policy (:mod:`.passwords`) and the random
secrets of API tokens and browser sessions (:mod:`.tokens`). The store keeps only
hashes and digests (:mod:`rasd.store.abase`)."""
