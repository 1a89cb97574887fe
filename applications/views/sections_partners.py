"""The partner circle: a list of partners saved with the section, and a letter of intent per partner.

The letters are files, so each has its own small upload form posting to `PartnerLetterView` (the
autosaved section form cannot carry files).
"""

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Prefetch
from django.http import Http404
from django.shortcuts import redirect
from django.urls import path, reverse
from django.utils.html import format_html_join
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View

from ..forms_lists import (
    PARTNER_FIELDS,
    PartnerFormSet,
    partner_initial,
    table_helper,
    with_added_row,
    without_errors,
)
from ..models import Partner
from ..services_lists import partner_attach_letter
from ..services_sections import partners_save
from .base import ApplicationMixin, SectionView, pop_stash, posted_version

PARTNER_PREFIX = "partners"
LETTER_ERRORS_KEY = "partner_letter_errors"


class LetterForm(forms.Form):
    letter = forms.FileField(
        label=gettext_lazy("Letter of intent (PDF)"),
        widget=forms.ClearableFileInput(attrs={"accept": "application/pdf,.pdf"}),
    )


class PartnersSectionView(SectionView):
    section = "partners"
    template_name = "applications/sections/partners.html"
    prefetch = (Prefetch("partners", queryset=Partner.objects.select_related("letter_of_intent")),)

    def get_forms(self, data=None) -> dict:
        partners = [partner_initial(p) for p in self.application.partners.all()]
        return {"formset": PartnerFormSet(data, initial=partners, prefix=PARTNER_PREFIX)}

    def extra_context(self) -> dict:
        kept = self.request.session.pop(LETTER_ERRORS_KEY, None) or {}
        letter_errors = {kept.get("partner"): kept.get("errors", [])}
        partners = self.application.partners.all()
        return {
            "partner_helper": table_helper(),
            "letters": [
                {
                    "partner": partner,
                    "form": LetterForm(auto_id=f"id_letter_{partner.pk}_%s"),
                    "errors": letter_errors.get(partner.pk, []),
                }
                for partner in partners
            ],
        }

    def post(self, request, *args, **kwargs):
        editable = request.user.has_perm("applications.edit_application", self.application)
        if "add_row" in request.POST and editable and not request.headers.get("HX-Request"):
            # Without JavaScript: show one more blank row; nothing is saved until Save.
            forms = self.get_forms(with_added_row(request.POST, PARTNER_PREFIX))
            without_errors(*forms.values())
            return self.render_page(forms, version=posted_version(request, missing=0))
        self.created_rows: dict[str, int] = {}
        response = super().post(request, *args, **kwargs)
        if request.headers.get("HX-Request") and self.created_rows and response.status_code == 200:
            # Autosave created partners from blank rows: give those rows their new ids, so that the next
            # autosave updates them instead of creating them again.
            response.content += format_html_join(
                "",
                '<input type="hidden" name="{0}-id" value="{1}" id="id_{0}-id" hx-swap-oob="true">',
                self.created_rows.items(),
            ).encode()
        return response

    def save_section(self, forms, *, expected_version):
        """Pass the filled-in rows to `partners_save`; keep the ids of the partners it created, by row prefix."""
        formset = forms["formset"]
        filled = [form for form in formset.forms if form.cleaned_data]  # not the blank extra rows
        rows = [
            {"id": form.cleaned_data.get("id"), "delete": True}
            if formset.should_delete(form)  # a row marked for deletion is not validated: it may be half-typed
            else {
                "id": form.cleaned_data.get("id"),
                "fields": {name: form.cleaned_data[name] for name in PARTNER_FIELDS},
            }
            for form in filled
        ]
        state, created = partners_save(
            application=self.application, by=self.request.user, expected_version=expected_version, rows=rows
        )
        self.created_rows = {filled[position].prefix: pk for position, pk in created.items()}
        return state


class PartnerLetterView(ApplicationMixin, View):
    """Upload (or replace) one partner's letter of intent; refused files say why and change nothing."""

    def get(self, request, *args, **kwargs):
        # Reached after a login when the session expired during an upload: the file cannot be kept.
        pop_stash(request)
        url = reverse("applications:section_partners", args=[self.application.pk])
        return redirect(f"{url}#partner-{kwargs['partner_pk']}-letter")

    def post(self, request, *args, **kwargs):
        try:
            partner = self.application.partners.get(pk=kwargs["partner_pk"])
        except Partner.DoesNotExist as missing:
            raise Http404 from missing
        section_url = reverse("applications:section_partners", args=[self.application.pk])
        if not request.user.has_perm("applications.edit_application", self.application):
            messages.error(request, _("The application has been submitted and can no longer be changed."))
            return redirect(section_url)
        form = LetterForm(request.POST, request.FILES)
        errors: list[str] = []
        if not form.is_valid():
            errors = [error for field_errors in form.errors.values() for error in field_errors]
        else:
            try:
                partner_attach_letter(partner=partner, uploaded=form.cleaned_data["letter"], by=request.user)
            except ValidationError as error:
                errors = error.messages
        if errors:
            # Shown next to this partner's upload field on the section page (Post/Redirect/Get: the
            # section page's own forms must post to the section, not here).
            request.session[LETTER_ERRORS_KEY] = {"partner": partner.pk, "errors": [str(e) for e in errors]}
            messages.error(request, _("The letter of intent from %(name)s was not uploaded.") % {"name": partner.name})
            return redirect(f"{section_url}#partner-{partner.pk}-letter")
        messages.success(request, _("The letter of intent from %(name)s has been uploaded.") % {"name": partner.name})
        return redirect(f"{section_url}#partner-{partner.pk}-letter")


urlpatterns: list = [
    path(
        "ansoegning/<int:pk>/partnere/<int:partner_pk>/hensigtserklaering/",
        PartnerLetterView.as_view(),
        name="partner_letter",
    ),
]
