"""The composition root: the `cqs` command, the embedded runner and the broker topology, which wire the
four services and the portal together. It is the one package that imports the services; `shared/` is
the library they all use and imports none of them."""
