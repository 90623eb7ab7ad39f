"""Parsed views of documents, one module per format. Each module exposes ``View``
objects that rules ask for with ``doc.view(...)``; heavy parser libraries are imported
inside the view's build function, never at module import."""
