"""A full, database-backed theme run at scale: time and peak memory.

`--synthetic-embeddings` first stores a vector for every demo note that has
none — around a centre per underlying need, like paraphrases — so the run
measures "embeddings cached" without an hour of CPU to compute real ones.
Use it on a benchmark database only: those vectors are not the model's.
"""

import resource
import time

import numpy as np
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction

from demo.seed.builder import need_of_notes
from insights.notes.models import CallNote
from insights.themes.engine import embeddings
from insights.themes.models import ClusteringRun, NoteEmbedding
from insights.themes.pipeline import regroup
from insights.themes.pipeline.runs import request_full_run
from insights.themes.pipeline.vectors import to_bytes


class Command(BaseCommand):
    help = "Time a full theme run (twice: the second must change nothing) on this database."

    def add_arguments(self, parser):
        parser.add_argument("--synthetic-embeddings", action="store_true")
        parser.add_argument("--seed", type=int, default=42)
        parser.add_argument("--runs", type=int, default=2, help="how many runs in a row")

    def handle(self, *args, synthetic_embeddings: bool, seed: int, runs: int, **options):
        if synthetic_embeddings:
            if "bench" not in connection.settings_dict["NAME"]:
                raise CommandError("Synthetic embeddings go into a database named *bench* only.")
            self._fill(seed)
        notes = CallNote.objects.count()
        for attempt in [f"run {i + 1}" for i in range(runs)]:
            with transaction.atomic():
                run = request_full_run(trigger=ClusteringRun.Trigger.MANUAL)
            started = time.perf_counter()
            regroup.execute_full_run(run_id=run.pk)
            seconds = time.perf_counter() - started
            run.refresh_from_db()
            peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
            self.stdout.write(
                f"{attempt}: {notes:,} notes, {seconds:.1f} s, peak RSS {peak:,.0f} MB, "
                f"state {run.state}, {run.themes_count} themes, changes {run.changes}"
            )

    def _fill(self, seed: int) -> None:
        missing = list(
            CallNote.objects.filter(embedding__isnull=True, source="demo").values_list(
                "id", "external_id", "body"
            )
        )
        if not missing:
            return
        truth = need_of_notes(seed=seed, count=len(missing) + CallNote.objects.count())
        needs = sorted(set(truth.values()))
        rng = np.random.default_rng(seed)
        centres = rng.normal(size=(len(needs), embeddings.DIMENSION)).astype(np.float32)
        centres /= np.linalg.norm(centres, axis=1, keepdims=True)
        index = {need: i for i, need in enumerate(needs)}
        for start in range(0, len(missing), 20_000):
            chunk = missing[start : start + 20_000]
            noise = rng.normal(size=(len(chunk), embeddings.DIMENSION)).astype(np.float32)
            noise /= np.linalg.norm(noise, axis=1, keepdims=True)
            rows = np.asarray([index[truth[ext]] for _, ext, _ in chunk])
            vectors = 0.6 * centres[rows] + 0.8 * noise
            vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
            NoteEmbedding.objects.bulk_create(
                [
                    NoteEmbedding(
                        note_id=note_id,
                        model_name=embeddings.MODEL_NAME,
                        text_hash=CallNote(body=body).text_hash,
                        vector=to_bytes(vector),
                    )
                    for (note_id, _, body), vector in zip(chunk, vectors, strict=True)
                ],
                batch_size=5000,
            )
        self.stdout.write(f"stored {len(missing):,} synthetic embeddings")
