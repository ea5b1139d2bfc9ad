"""podman for the image tests: containers of the built images, locked down as in production.

Every container runs read-only, with every capability dropped and no-new-privileges, and as the
image's own user (the tests never pass --user); on the host network, so it reaches the test
stack's PostgreSQL and Kafka on 127.0.0.1, each app on a port of its own (UVICORN_PORT).
"""

from __future__ import annotations

import asyncio
import json
import os
from dataclasses import dataclass, field
from typing import Any

from deploy.images.engine import cgroup_parent, environment, image_name

LABEL = "org.shanzhi.test=images"
# Read-only root, no capabilities, no privilege gain through setuid binaries.
LOCKED_DOWN = ("--read-only", "--cap-drop=ALL", "--security-opt=no-new-privileges")


@dataclass
class Result:
    rc: int
    out: str
    err: str


async def podman(*args: str, timeout: float = 120) -> Result:
    proc = await asyncio.create_subprocess_exec(
        "podman",
        *args,
        env=environment(),
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    try:
        out, err = await asyncio.wait_for(proc.communicate(), timeout)
    except TimeoutError:
        proc.kill()
        await proc.wait()
        raise
    assert proc.returncode is not None
    return Result(proc.returncode, out.decode(), err.decode())


def run_options(network: str = "host") -> list[str]:
    options = ["--label", LABEL, f"--network={network}", *LOCKED_DOWN]
    parent = cgroup_parent()
    if parent:
        options.append(f"--cgroup-parent={parent}")
    return options


def env_options(env: dict[str, str]) -> list[str]:
    return [f"--env={key}={value}" for key, value in env.items()]


@dataclass
class Containers:
    """The containers a test module started, removed together at the end."""

    prefix: str
    tag: str = "latest"
    names: list[str] = field(default_factory=list)

    def name(self, app: str) -> str:
        return f"{self.prefix}-{app}"

    async def one_off(
        self, app: str, argv: list[str], env: dict[str, str], *, network: str = "host"
    ) -> Result:
        """`podman run --rm`: e.g. the migrations, before the apps start."""
        options = [*run_options(network), *env_options(env)]
        return await podman("run", "--rm", *options, image_name(app, self.tag), *argv)

    async def start(
        self,
        app: str,
        env: dict[str, str],
        *,
        network: str = "host",
        extra: tuple[str, ...] = (),
        name: str | None = None,
    ) -> str:
        """A detached container running the image's default command."""
        name = name or self.name(app)
        await podman("rm", "--force", "--ignore", name)
        options = [*run_options(network), *env_options(env), *extra]
        started = await podman(
            "run", "--detach", f"--name={name}", *options, image_name(app, self.tag)
        )
        assert started.rc == 0, f"podman run {app}: {started.err[-2000:]}"
        self.names.append(name)
        return name

    async def inspect(self, name: str) -> dict[str, Any]:
        answer = await podman("inspect", name)
        assert answer.rc == 0, answer.err
        return dict(json.loads(answer.out)[0])

    async def logs(self, name: str, lines: int = 40) -> str:
        answer = await podman("logs", f"--tail={lines}", name)
        return answer.out + answer.err

    async def remove(self, name: str) -> None:
        await podman("rm", "--force", "--ignore", "--time=5", name)
        if name in self.names:
            self.names.remove(name)

    async def leftovers(self) -> list[str]:
        listed = await podman(
            "ps", "--all", "--format={{.Names}}", f"--filter=name=^{self.prefix}-"
        )
        return listed.out.split()

    async def remove_all(self) -> None:
        """Every container of this run, in one podman call; checked, and tried once more (six
        concurrent `podman rm` once left one stopped but not removed)."""
        for _ in range(2):
            names = sorted({*self.names, *await self.leftovers()})
            if not names:
                return
            await podman("rm", "--force", "--ignore", "--time=5", *names)
            self.names.clear()
        left = await self.leftovers()
        assert not left, f"containers not removed: {left}"


def prefix() -> str:
    return f"shanzhi-images-test-{os.getpid()}"
