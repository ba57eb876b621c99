"""The clinic's web app: the chat widget's page, the body map, the clinic API and the
staff pages."""
