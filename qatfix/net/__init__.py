"""The network, behind one boundary: HEAD requests for weights URLs (`--online`) and the disk
cache of their answers. `requests` is imported only when a request is made."""
