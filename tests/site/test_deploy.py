"""The production configuration in deploy/ is valid for the tools that read it: nginx -t,
systemd-analyze verify and gunicorn --check-config, with the shop's paths put in."""

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
DEPLOY = ROOT / "deploy"
REQUIRED = bool(os.environ.get("CI"))


def tool(name):
    found = shutil.which(name) or (
        Path("/usr/sbin") / name if (Path("/usr/sbin") / name).exists() else None
    )
    if found is None:
        if REQUIRED:
            pytest.fail(f"{name} is needed here (.ci/run installs it)")
        pytest.skip(f"{name} is not installed")
    return str(found)


def installed(text, tmp_path):
    """A configuration as it would be installed, with this checkout as /srv/millet and
    the test's folder as /etc/millet."""
    return text.replace("/srv/millet", str(ROOT)).replace("/etc/millet", str(tmp_path / "etc"))


def test_the_nginx_configuration_passes_nginx_t(tmp_path):
    nginx = tool("nginx")
    subprocess.run(
        [DEPLOY / "make-local-cert.sh", tmp_path / "etc" / "tls"], check=True, capture_output=True
    )
    site = tmp_path / "millet.conf"
    site.write_text(installed((DEPLOY / "nginx" / "millet.conf").read_text(), tmp_path))
    temp = {name: tmp_path / name for name in ("body", "proxy", "fastcgi", "uwsgi", "scgi")}
    main = tmp_path / "nginx.conf"
    main.write_text(
        f"pid {tmp_path}/nginx.pid;\n"
        f"error_log {tmp_path}/error.log;\n"
        "events {}\n"
        "http {\n"
        f"  access_log {tmp_path}/access.log;\n"
        f"  client_body_temp_path {temp['body']};\n"
        f"  proxy_temp_path {temp['proxy']};\n"
        f"  fastcgi_temp_path {temp['fastcgi']};\n"
        f"  uwsgi_temp_path {temp['uwsgi']};\n"
        f"  scgi_temp_path {temp['scgi']};\n"
        f"  include {site};\n"
        "}\n"
    )

    result = subprocess.run(
        [nginx, "-t", "-p", str(tmp_path), "-c", str(main)], capture_output=True, text=True
    )

    assert result.returncode == 0, result.stderr
    assert "syntax is ok" in result.stderr
    assert "[warn]" not in result.stderr and "[emerg]" not in result.stderr, result.stderr


def test_the_nginx_configuration_matches_the_app(tmp_path):
    """What the app and the proxy must agree on, read from both."""
    from django.conf import settings

    text = (DEPLOY / "nginx" / "millet.conf").read_text()
    proxy = (DEPLOY / "nginx" / "proxy.conf").read_text()
    limit_mb = settings.REQUEST_MAX_BYTES // (1024 * 1024)
    assert f"client_max_body_size {limit_mb}m;" in text
    assert "internal;" in text.split("location /private/")[1].split("}")[0]
    assert "PRIVATE_MEDIA_ACCEL_PREFIX=/private/" in text
    assert "X-Forwarded-For $proxy_add_x_forwarded_for" in proxy
    assert "X-Forwarded-Proto $scheme" in proxy
    assert "max_fails=" in text and text.count("server 127.0.0.1:") >= 2
    assert "limit_req zone=millet_admin_login" in text


def test_the_systemd_units_pass_systemd_analyze_verify(tmp_path):
    analyze = tool("systemd-analyze")
    for unit in (DEPLOY / "systemd").iterdir():
        (tmp_path / unit.name).write_text(installed(unit.read_text(), tmp_path))
    units = sorted(p.name for p in tmp_path.iterdir() if "@" not in p.name)
    units.append("millet-web@8001.service")  # the template, as an instance

    result = subprocess.run(
        [analyze, "verify", *(f"./{name}" for name in units)],
        cwd=tmp_path,
        capture_output=True,
        text=True,
    )

    assert result.returncode == 0, result.stdout + result.stderr
    # No warning either: an unknown key or a missing command would show here.
    assert result.stderr.strip() == "", result.stderr


def test_the_gunicorn_configuration_loads():
    result = subprocess.run(
        [
            str(Path(sys.executable).parent / "gunicorn"),
            "--check-config",
            "-c",
            str(DEPLOY / "gunicorn.conf.py"),
            "millet_site.wsgi",
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        env={**os.environ, "GUNICORN_BIND": "127.0.0.1:8009"},
    )

    assert result.returncode == 0, result.stdout + result.stderr
