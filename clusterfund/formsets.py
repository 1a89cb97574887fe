"""The portal's formset factories: Django's, with `absolute_max` tied to `max_num`.

Django caps the rows a post may ask for (TOTAL_FORMS) at `absolute_max`, by default `max_num` + 1,000: one
forged post made a page build and render a thousand forms. Every formset of the portal is made here, so the
cap is the most rows the page itself offers, and a formset cannot be declared without one.
"""

from django import forms


def _bounded(factory):
    def bounded(*args, max_num: int, **kwargs):
        return factory(*args, max_num=max_num, absolute_max=max_num, **kwargs)

    bounded.__doc__ = f"`{factory.__name__}` with `absolute_max` = the required `max_num`."
    return bounded


formset_factory = _bounded(forms.formset_factory)
modelformset_factory = _bounded(forms.modelformset_factory)
inlineformset_factory = _bounded(forms.inlineformset_factory)
