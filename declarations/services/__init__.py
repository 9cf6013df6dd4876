"""Use cases: plain functions verb_noun(session, ..., *, actor). They flush, never commit."""
