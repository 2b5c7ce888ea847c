"""Use cases that join the pure core with storage. Qt-free."""
