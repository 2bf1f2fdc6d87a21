"""The demo data of SPEC §13: the five wards of the source articles, one module each, loaded by
``manage.py load_demo`` (``demo.loader``)."""
