#!/usr/bin/env bash
# Installs what the tests need beyond Swift, when it is missing (quick when nothing is).
# Debian packages need root; Python packages go to the python3 on PATH.
set -euo pipefail

needed=()
dpkg -s libsqlite3-dev >/dev/null 2>&1 || needed+=(libsqlite3-dev)
command -v python3 >/dev/null 2>&1 || needed+=(python3 python3-pip) # the example Python module, gateway checks, the fake agents
command -v script >/dev/null 2>&1 || needed+=(bsdutils)             # the stop-confirmation test
command -v setpriv >/dev/null 2>&1 || needed+=(util-linux)          # the other-user socket test
command -v curl >/dev/null 2>&1 || needed+=(curl)                   # the gateway's login-link test
command -v chromium >/dev/null 2>&1 || needed+=(chromium)           # the status page test
command -v sbatch >/dev/null 2>&1 || needed+=(slurm-wlm)            # the Slurm suite's one-node cluster
[ -x /usr/sbin/munged ] || command -v munged >/dev/null 2>&1 || needed+=(munge) #   (scripts/slurm-cluster.sh)
if [ ${#needed[@]} -gt 0 ]; then
    if [ "$(id -u)" -ne 0 ]; then
        echo "missing Debian packages: ${needed[*]}; install them (as root: apt-get install ${needed[*]})" >&2
        exit 1
    fi
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${needed[@]}" >/dev/null
fi

python_needed=()
python3 -c 'import schemathesis' 2>/dev/null || python_needed+=(schemathesis) # checks Docs/openapi.yaml
python3 -c 'import playwright' 2>/dev/null || python_needed+=(playwright)     # drives Chromium
python3 -c 'import jinja2' 2>/dev/null || python_needed+=(jinja2)             # the template differential test
python3 -c 'import yaml' 2>/dev/null || python_needed+=(pyyaml)               # its corpus
if [ ${#python_needed[@]} -gt 0 ]; then
    # A Debian-managed python3 refuses plain pip installs (PEP 668); these are test tools only.
    python3 -m pip install -q --disable-pip-version-check "${python_needed[@]}" ||
        python3 -m pip install -q --disable-pip-version-check --break-system-packages "${python_needed[@]}"
fi
