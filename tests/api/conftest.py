import pytest
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient


def token_client(user) -> APIClient:
    client = APIClient()
    token, _ = Token.objects.get_or_create(user=user)
    client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    return client


@pytest.fixture
def rep_api(rep):
    return token_client(rep)


@pytest.fixture
def pm_api(pm):
    return token_client(pm)


@pytest.fixture
def admin_api(admin_user):
    return token_client(admin_user)
