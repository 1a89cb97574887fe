"""Views of the applications app, one module per part of the applicant's journey."""
