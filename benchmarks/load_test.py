"""Load a running `govqa serve`: many /v1/ask at once while other letters are uploaded and deleted.

    .venv/bin/python benchmarks/load_test.py --url http://127.0.0.1:8000 [--requests 2000] [--concurrency 16]
        [--api-key KEY] [--no-churn] [--max-seconds 900]

Makes sure the sample letter is indexed (uploads it if not), then sends ``--requests``
questions at ``--concurrency``, most of them about the sample letter. Meanwhile one
client uploads a variant of another letter and deletes it again, over and over.
Prints throughput, latency p50/p95, responses by status, transport errors, and how
many answers to sample questions cited another document. Stops by itself: after the
last request, or after ``--max-seconds`` (no new request is started then).

The test suite runs the same load (tests/bot/test_load.py) with fewer requests.
"""
from __future__ import annotations

import argparse
import asyncio
import re
import statistics
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import httpx

from retrieval.evaluation import percentile

ROOT = Path(__file__).resolve().parents[1]
SAMPLE_LETTER = ROOT / "samples" / "zhongshan-gxj-2022-53.txt"
SAMPLE_DOC_NUMBER = "中工信函〔2022〕53号"
CHURN_SOURCES = sorted((ROOT / "tests" / "data" / "letters").glob("*.txt"))

SAMPLE_QUESTIONS = (
    "一共收到多少家企业的首席信息官备案申请？",
    "截至2021年底，中山市的5G基站有多少个？",
    "每万人拥有5G基站数是多少，在全省排第几？",
    "5G用户占比在全省排第几？",
    "认定了多少家市级工业和工业互联网公共技术服务平台？",
    "智能改造方案被企业采纳并实施了多少套？",
    "标杆项目带动总投资超过多少？",
    "多少人通过评价获得技能等级证书？",
    "企业首席信息官培训班举办了几期？",
    "中山市出台了什么文件鼓励企业建立首席信息官制度？",
    "How many CIO filing applications have been received?",
    "How many 5G base stations does Zhongshan have?",
)
OTHER_QUESTIONS = (
    "白云区累计完成既有住宅加装电梯审批多少台？",
    "全省共认定省级新型研发机构多少家？",
    "清新区丝苗米种植面积有多少？",
    "What will the weather be like tomorrow?",
)
MAX_CHURN_CYCLES = 200
_DOC_NUMBER = re.compile(r"〔(\d{4})〕(第?)(\d+)号")


@dataclass
class LoadReport:
    """What one load run saw."""

    seconds: float = 0.0
    latencies_ms: list[float] = field(default_factory=list)
    ask_statuses: Counter = field(default_factory=Counter)
    transport_errors: list[str] = field(default_factory=list)
    sample_asked: int = 0
    sample_answered: int = 0
    wrong_document: list[dict] = field(default_factory=list)
    upload_statuses: Counter = field(default_factory=Counter)
    delete_statuses: Counter = field(default_factory=Counter)

    @property
    def requests(self) -> int:
        return sum(self.ask_statuses.values()) + len(self.transport_errors)

    @property
    def throughput(self) -> float:
        """Answered /v1/ask requests per second."""
        return sum(self.ask_statuses.values()) / self.seconds if self.seconds else 0.0

    @property
    def server_errors(self) -> int:
        """Responses with a 5xx status, asks and churn together."""
        every = self.ask_statuses + self.upload_statuses + self.delete_statuses
        return sum(count for status, count in every.items() if status >= 500)

    def percentile_ms(self, q: float) -> float:
        """Latency percentile by nearest rank."""
        return percentile(self.latencies_ms, q)

    def summary(self) -> str:
        """Figures for a person, one line each."""
        mean = statistics.mean(self.latencies_ms) if self.latencies_ms else 0.0
        return "\n".join([
            f"asks: {self.requests} in {self.seconds:.1f} s = {self.throughput:.1f} req/s; latency ms "
            f"p50 {self.percentile_ms(50):.0f}, p95 {self.percentile_ms(95):.0f}, mean {mean:.0f}, "
            f"max {max(self.latencies_ms, default=0):.0f}",
            f"ask statuses: {_counts(self.ask_statuses)}; transport errors: {len(self.transport_errors)}; "
            f"5xx (all requests): {self.server_errors}",
            f"sample questions: {self.sample_asked} asked, {self.sample_answered} answered, "
            f"{len(self.wrong_document)} citing another document",
            f"churn: uploads {_counts(self.upload_statuses)}, deletions {_counts(self.delete_statuses)}",
        ])


def _counts(statuses: Counter) -> str:
    return ", ".join(f"{status}×{count}" for status, count in sorted(statuses.items())) or "none"


def churn_letter(cycle: int) -> tuple[str, bytes]:
    """A letter to upload and delete: another test letter with a 文号 no other cycle has."""
    source = CHURN_SOURCES[cycle % len(CHURN_SOURCES)]
    text = _DOC_NUMBER.sub(lambda m: f"〔{m[1]}〕{m[2]}{5000 + cycle}号", source.read_text(encoding="utf-8"), count=1)
    return f"churn-{cycle:03d}-{source.name}", text.encode("utf-8")


async def ensure_sample(client: httpx.AsyncClient) -> str:
    """The sample letter's document id, uploading the letter first if the server lacks it."""
    for document in (await client.get("/v1/documents")).raise_for_status().json():
        if document["doc_number"] == SAMPLE_DOC_NUMBER:
            return document["id"]
    response = await client.post("/v1/documents", files={"file": (SAMPLE_LETTER.name, SAMPLE_LETTER.read_bytes())})
    return response.raise_for_status().json()["id"]


async def run_load(url: str, *, requests: int, concurrency: int = 16, churn: bool = True,
                   api_key: str | None = None, max_seconds: float = 900) -> LoadReport:
    """Send ``requests`` asks at ``concurrency`` (uploading and deleting other letters meanwhile)."""
    headers = {"Authorization": f"Bearer {api_key}"} if api_key else {}
    limits = httpx.Limits(max_connections=concurrency + 2, max_keepalive_connections=concurrency + 2)
    async with httpx.AsyncClient(base_url=url, headers=headers, timeout=300, limits=limits) as client:
        sample_id = await ensure_sample(client)
        report = LoadReport()
        questions = iter(range(requests))
        deadline = time.monotonic() + max_seconds
        started = time.perf_counter()
        asking = [asyncio.create_task(_ask_worker(client, questions, deadline, sample_id, report))
                  for _ in range(concurrency)]
        asked = asyncio.Event()
        churning = asyncio.create_task(_churn(client, report, asked)) if churn else None
        await asyncio.gather(*asking)
        report.seconds = time.perf_counter() - started
        asked.set()
        if churning:
            await churning  # finishes its cycle: what it uploaded is deleted again
    return report


async def _ask_worker(client: httpx.AsyncClient, numbers, deadline: float, sample_id: str,
                      report: LoadReport) -> None:
    for number in numbers:
        if time.monotonic() > deadline:
            return
        about_sample = number % 4 != 3
        pool = SAMPLE_QUESTIONS if about_sample else OTHER_QUESTIONS
        question = pool[number // 4 % len(pool)]
        started = time.perf_counter()
        try:
            response = await client.post("/v1/ask", json={"question": question})
        except httpx.TransportError as error:
            report.transport_errors.append(f"{type(error).__name__}: {error}")
            continue
        report.latencies_ms.append((time.perf_counter() - started) * 1000)
        report.ask_statuses[response.status_code] += 1
        if about_sample and response.status_code == 200:
            _check_sample_answer(response.json(), sample_id, report)


def _check_sample_answer(answer: dict, sample_id: str, report: LoadReport) -> None:
    report.sample_asked += 1
    if not answer["answered"]:
        return
    report.sample_answered += 1
    if not answer["citations"] or answer["citations"][0]["doc_id"] != sample_id:
        report.wrong_document.append(answer)


async def _churn(client: httpx.AsyncClient, report: LoadReport, stop: asyncio.Event) -> None:
    """Upload a letter, delete it, repeat until ``stop``: the index changes under the askers' feet."""
    for cycle in range(MAX_CHURN_CYCLES):
        if stop.is_set():
            return
        name, content = churn_letter(cycle)
        try:
            uploaded = await client.post("/v1/documents", files={"file": (name, content, "text/plain")})
            report.upload_statuses[uploaded.status_code] += 1
            if uploaded.status_code in (200, 201):
                deleted = await client.delete(f"/v1/documents/{uploaded.json()['id']}")
                report.delete_statuses[deleted.status_code] += 1
        except httpx.TransportError as error:
            report.transport_errors.append(f"churn {type(error).__name__}: {error}")


def main() -> None:
    """Run the load against --url and print the figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", default="http://127.0.0.1:8000", help="the govqa server")
    parser.add_argument("--requests", type=int, default=2000)
    parser.add_argument("--concurrency", type=int, default=16)
    parser.add_argument("--api-key", help="the server's GOVQA_API_KEY, if it has one")
    parser.add_argument("--no-churn", action="store_true", help="only ask; no uploads and deletions meanwhile")
    parser.add_argument("--max-seconds", type=float, default=900, help="start no request after this long")
    args = parser.parse_args()
    report = asyncio.run(run_load(args.url.rstrip("/"), requests=args.requests, concurrency=args.concurrency,
                                  churn=not args.no_churn, api_key=args.api_key, max_seconds=args.max_seconds))
    print(report.summary())
    for answer in report.wrong_document[:5]:
        print(f"wrong document: {answer['question']} → {answer['citations'][:1]}")
    for error in report.transport_errors[:5]:
        print(f"transport error: {error}")


if __name__ == "__main__":
    main()
