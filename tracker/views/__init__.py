"""The tracker's pages, one module per family: deals.py (the list, a new
deal, the deal's page), actions.py (the writes on a deal's page, one address
each), deal_page.py (the page they render), documents.py, review.py (a
disclosure's review), public.py (disclosures and objections), dashboard.py
(the organizers' dashboard and its export)."""
