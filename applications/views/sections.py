"""The application's sections, each its own page (see SectionView for saving and versioning)."""

from django import forms
from django.utils.translation import gettext_lazy as _

from ..models import Application, BusinessArea
from ..services_sections import area_save
from .base import SectionView


class AreaForm(forms.ModelForm):
    class Meta:
        model = Application
        fields = ["business_area"]
        widgets = {"business_area": forms.RadioSelect}
        labels = {"business_area": _("Business area")}

    def __init__(self, *args, call, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["business_area"]
        field.queryset = BusinessArea.objects.filter(call=call)
        field.label_from_instance = lambda area: area.tr("name")
        field.empty_label = None


class AreaSectionView(SectionView):
    section = "area"
    template_name = "applications/sections/area.html"

    def get_forms(self, data=None) -> dict:
        return {"form": AreaForm(data, instance=self.application, call=self.application.call)}

    def save_section(self, forms, *, expected_version):
        return area_save(
            application=self.application,
            by=self.request.user,
            expected_version=expected_version,
            business_area=forms["form"].cleaned_data["business_area"],
        )
