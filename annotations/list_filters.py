"""The filters of the annotation list, on its page and in the API alike: text a database
can hold (PostgreSQL refuses a NUL character: a 400 that says so, never a 500)."""

from django import forms


class ListFilters(forms.Form):
    tag = forms.CharField(required=False, strip=False)
    article = forms.CharField(required=False, strip=False)
    user = forms.CharField(required=False, strip=False)
    q = forms.CharField(required=False, strip=False)
    orphaned = forms.CharField(required=False, strip=False)

    def filters(self) -> dict[str, str]:
        return {name: value for name, value in self.cleaned_data.items() if value}

    def problem(self) -> str:
        return " ".join(f"{name}: {e}" for name, errors in self.errors.items() for e in errors)
