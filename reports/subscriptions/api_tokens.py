"""API tokens on the account page: a reader makes one (shown once, then only its first characters) and revokes it."""
from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.shortcuts import get_object_or_404, redirect
from django.views import View

from reports.cache.privacy import for_no_one
from reports.models import APIToken
from reports.subscriptions.forms import APITokenForm
from reports.subscriptions.views import AccountView


class APITokenCreateView(AccountView):
    """POST: make a token and show the account page with it, this once; it is never shown again."""

    http_method_names = ["post"]

    def post(self, request):
        form = APITokenForm(request.POST, user=request.user)
        new_token = None
        if form.is_valid():
            _, new_token = APIToken.issue(user=request.user, name=form.cleaned_data["name"])
            form = APITokenForm(user=request.user)
        context = self.get_context_data(new_token=new_token)
        context["token_form"] = form
        return for_no_one(self.render_to_response(context))


class APITokenRevokeView(LoginRequiredMixin, View):
    http_method_names = ["post"]

    def post(self, request, pk):
        token = get_object_or_404(APIToken, pk=pk, user=request.user)
        token.revoke()
        messages.success(request, f"The token “{token.name}” is revoked: requests with it are refused from now on.")
        return redirect("account")
