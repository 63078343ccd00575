"""The public portal's commitments page. Included inside the portal's URLs (namespace
"public"), e.g. `path("commitments/", include("assessment.public_urls"))` in
powers/public_urls.py, it is `public:commitments`."""

from django.urls import path

from assessment.views import commitments

urlpatterns = [
    path("", commitments.public_commitments, name="commitments"),
]
