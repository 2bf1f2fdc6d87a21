"""A Python client generated from the OpenAPI schema by openapi-python-client, as a client would.

Generated once per session (per xdist worker: each has its own temporary folder and imports the
package under its own name), from ``docs/openapi.yaml`` (``make schema``) when it exists, else
from this checkout's schema. Nothing is skipped silently: if the generator fails or warns (a
warning means part of the API was left out of the client) the tests fail with its output.
"""

import contextlib
import importlib
import importlib.util
import re
import subprocess
import sys
from pathlib import Path
from types import ModuleType

import pytest
from django.core.management import call_command

ROOT = Path(__file__).resolve().parents[2]
SCHEMA = ROOT / "docs" / "openapi.yaml"
CONFIG = Path(__file__).with_name("openapi-client-config.yaml")
PASSWORD = "demo12345"  # tests.factories.UserFactory

# Each generated endpoint module builds its request in ``_get_kwargs``: method, then URL template.
ENDPOINT = re.compile(r'"method": "(?P<method>[a-z]+)",\s*"url": "(?P<path>/[^"]*)"')


def schema_file(folder: Path) -> Path:
    """The schema the client is generated from: the published one once `make schema` writes it."""
    if SCHEMA.exists():
        return SCHEMA
    path = folder / "openapi.yaml"
    call_command("spectacular", "--file", str(path))
    return path


class GeneratedClient:
    """The generated package, with its endpoint modules found by method and path.

    Finding operations by ``("PATCH", "/api/v1/households/{id}/")`` rather than by module name
    keeps the tests independent of how operation ids are spelled; an operation the schema does
    not have is ``None``, which the tests use to tell steps that wait for a change of the API.
    """

    def __init__(self, package: ModuleType, folder: Path):
        self.package = package
        self.models = importlib.import_module(f"{package.__name__}.models")
        self.Client = package.Client
        self.AuthenticatedClient = package.AuthenticatedClient
        self.endpoints: dict[tuple[str, str], str] = {}
        for source in sorted((folder / "api").glob("*/*.py")):
            if match := ENDPOINT.search(source.read_text(encoding="utf-8")):
                key = (match["method"].upper(), match["path"])
                module = ".".join((package.__name__, "api", source.parent.name, source.stem))
                self.endpoints[key] = module

    def operation(self, method: str, path: str) -> ModuleType | None:
        module = self.endpoints.get((method, path))
        return importlib.import_module(module) if module else None

    def __getitem__(self, key: tuple[str, str]) -> ModuleType:
        module = self.operation(*key)
        assert module is not None, f"the generated client has no {key[0]} {key[1]}"
        return module


@pytest.fixture(scope="session")
def api(tmp_path_factory, worker_id) -> GeneratedClient:
    folder = tmp_path_factory.mktemp("generated-client")
    output = folder / "ward_security_client"
    command = [
        sys.executable, "-m", "openapi_python_client", "generate",
        "--path", str(schema_file(folder)),
        "--config", str(CONFIG),
        "--meta", "none",
        "--output-path", str(output),
        "--fail-on-warning",
    ]  # fmt: skip
    run = subprocess.run(command, capture_output=True, text=True, timeout=300, check=False)  # noqa: S603
    if run.returncode != 0 or not (output / "__init__.py").exists():
        pytest.fail(
            f"openapi-python-client failed (exit {run.returncode}):\n{run.stdout}\n{run.stderr}",
            pytrace=False,
        )
    name = f"ward_security_client_{worker_id}"
    spec = importlib.util.spec_from_file_location(
        name, output / "__init__.py", submodule_search_locations=[str(output)]
    )
    assert spec and spec.loader
    package = importlib.util.module_from_spec(spec)
    sys.modules[name] = package
    spec.loader.exec_module(package)
    generated = GeneratedClient(package, output)
    assert generated.endpoints, f"no endpoint found in {output / 'api'}"
    return generated


@pytest.fixture
def sign_in(api, live_server):
    """A user signs in through the token operation and gets a client that sends their token.

    The clients are closed after the test, so the live server's threads (and their database
    connections) end before the test database is flushed.
    """
    with contextlib.ExitStack() as clients:

        def signed_in(user):
            anonymous = clients.enter_context(
                api.Client(base_url=live_server.url, raise_on_unexpected_status=True)
            )
            body = api.models.TokenRequestRequest(
                username=user.username, password=PASSWORD, client="generated-client-test"
            )
            response = api["POST", "/api/v1/auth/token/"].sync_detailed(client=anonymous, body=body)
            assert response.status_code == 201, response.content
            assert isinstance(response.parsed, api.models.Token)
            return clients.enter_context(
                api.AuthenticatedClient(
                    base_url=live_server.url,
                    token=response.parsed.token,
                    raise_on_unexpected_status=True,
                )
            )

        yield signed_in
