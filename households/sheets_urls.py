"""URLs of a residential group's sheets: fast household entry and the commitment sheet."""

from django.urls import path

from households import sheets

app_name = "household_sheets"

urlpatterns = [
    path("groups/<int:pk>/fast-entry/", sheets.household_entry, name="entry"),
    path("groups/<int:pk>/commitment-sheet/", sheets.commitment_sheet, name="commitments"),
]
