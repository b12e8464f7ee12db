"""One report that compares synthetic sequences with real ones: numbers, how to read them,
and figures — as a DataFrame, JSON, or a self-contained HTML page."""

from __future__ import annotations

import base64
import contextlib
import datetime
import html
import json
import math
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from .. import progress
from ..memory import release_free_memory
from . import report_sections as sections
from .prepared import PreparedFrame, prepare
from .verdict import judge, rules

SECTIONS = {
    "fidelity": "Fidelity: are the values distributed as in the real data?",
    "temporal": "Temporal structure: do the sequences move like the real ones?",
    "realism": "Realism: roughness, fixed-position artifacts, marginals, a detector",
    "discriminative": "Discriminative score: can a classifier tell synthetic from real?",
    "utility": "Utility: does a forecaster trained on synthetic data work on real data?",
    "privacy": "Privacy: does the synthetic data copy real records?",
    "training": "Training",
}


@dataclass
class Report:
    """Evaluation results. ``metrics`` rows: section, measure, column, value, reading (how to
    read the number); ``figures``: PNG bytes by title; ``captions``: a sentence under a
    figure; ``notes``: what was skipped and why."""

    metrics: list[dict] = field(default_factory=list)
    figures: dict[str, bytes] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)
    meta: dict = field(default_factory=dict)
    captions: dict[str, str] = field(default_factory=dict)

    def add(self, section: str, measure: str, value, column: str = "", reading: str = "",
            score: float | None = None):
        """Append one row; numpy scalars become Python numbers (for JSON). ``score``: the
        number the verdict grades when ``value`` is text (e.g. "0.61 ± 0.02")."""
        if isinstance(value, (np.floating, np.integer)):
            value = value.item()
        row = {"section": section, "measure": measure, "column": column, "value": value,
               "reading": reading}
        if score is not None:
            row["score"] = float(score)
        self.metrics.append(row)

    @property
    def verdict(self) -> dict:
        """good / fair / poor per section and overall, with the worst findings first
        (:func:`tfgan_ts.evaluation.verdict.judge`; thresholds in ``verdict.CHECKS``)."""
        return judge(self.metrics)

    def verdict_lines(self) -> list[str]:
        """The verdict as console lines: overall, one per section, then what to look at."""
        v = self.verdict
        lines = [f"verdict: {v['overall'].upper()} overall (the worst section's grade)"]
        lines += [f"  {name:<9} {s['grade']:<5} {s['text']}".rstrip()
                  for name, s in v["sections"].items()]
        if v["findings"]:
            lines.append("  worst findings:")
            lines += [f"    - {f['grade']}: {f['text']}" for f in v["findings"][:5]]
        return lines

    def summary(self) -> pd.DataFrame:
        """The headline numbers, one row each."""
        return pd.DataFrame(self.metrics, columns=["section", "measure", "column", "value",
                                                   "reading"])

    def to_json(self, path=None) -> str:
        """Metrics, notes and metadata as JSON (figures left out); written to ``path`` if
        given. Non-finite numbers become null."""
        def clean(v):
            if isinstance(v, float) and not math.isfinite(v):
                return None
            return v
        payload = {"meta": self.meta, "verdict": self.verdict, "notes": self.notes,
                   "metrics": [{k: clean(v) for k, v in m.items()} for m in self.metrics]}
        text = json.dumps(payload, indent=2, default=str)
        if path is not None:
            with open(path, "w", encoding="utf-8") as fh:
                fh.write(text)
        return text

    def to_html(self, path=None) -> str:
        """A self-contained HTML page (figures embedded as PNG data URIs)."""
        out = [
            "<!DOCTYPE html><html><head><meta charset='utf-8'>",
            f"<title>{html.escape(self.meta.get('title', 'tfgan_ts evaluation report'))}</title>",
            "<style>body{font-family:system-ui,sans-serif;max-width:1100px;margin:2em auto;"
            "padding:0 1em;color:#222}table{border-collapse:collapse;margin:.5em 0 1.5em}"
            "td,th{border:1px solid #ccc;padding:4px 8px;text-align:left;font-size:14px}"
            "th{background:#f3f3f3}td.num{text-align:right;font-variant-numeric:tabular-nums}"
            "img{max-width:100%;border:1px solid #eee;margin:.5em 0}.note{color:#555}"
            "h2{border-bottom:2px solid #ddd;padding-bottom:.2em;margin-top:1.6em}"
            ".good{color:#1a7f37}.fair{color:#9a6700}.poor{color:#cf222e}"
            ".verdict{border:2px solid #ccc;padding:.5em 1em;border-radius:6px}</style>",
            "</head><body>",
            f"<h1>{html.escape(self.meta.get('title', 'tfgan_ts evaluation report'))}</h1>",
        ]
        out += self._verdict_html()
        facts = [f"{k}: {v}" for k, v in self.meta.items() if k != "title"]
        out.append("<p>" + "<br>".join(html.escape(str(f)) for f in facts) + "</p>")
        if self.notes:
            out.append("<h2>Notes</h2><ul>")
            out += [f"<li class='note'>{html.escape(n)}</li>" for n in self.notes]
            out.append("</ul>")
        table = self.summary()
        for section, title in SECTIONS.items():
            rows = table[table["section"] == section]
            figs = {k: v for k, v in self.figures.items() if k.startswith(section + ":")}
            if rows.empty and not figs:
                continue
            out.append(f"<h2>{html.escape(title)}</h2>")
            if not rows.empty:
                out.append("<table><tr><th>measure</th><th>column</th><th>value</th>"
                           "<th>how to read it</th></tr>")
                for _, r in rows.iterrows():
                    out.append(
                        f"<tr><td>{html.escape(str(r['measure']))}</td>"
                        f"<td>{html.escape(str(r['column']))}</td>"
                        f"<td class='num'>{html.escape(_fmt(r['value']))}</td>"
                        f"<td>{html.escape(str(r['reading']))}</td></tr>")
                out.append("</table>")
            for name, png in figs.items():
                caption = name.split(":", 1)[1]
                data = base64.b64encode(png).decode("ascii")
                out.append(f"<h3>{html.escape(caption)}</h3>"
                           f"<img alt='{html.escape(caption)}' src='data:image/png;base64,{data}'>")
                if name in self.captions:
                    out.append(f"<p class='note'>{html.escape(self.captions[name])}</p>")
        out.append("<h2 id='how-we-judge'>How we judge</h2><p>Each check below grades one "
                   "number of this report; a section takes its worst check's grade and the "
                   "overall verdict is the worst section's. Thresholds are set so that real "
                   "data held out from training grades good and time-shuffled or constant "
                   "data poor; they are judgement, not statistics.</p><ul>")
        out += [f"<li>{html.escape(sec)}: {html.escape(rule)}</li>" for sec, rule in rules()]
        out.append("</ul></body></html>")
        text = "\n".join(out)
        if path is not None:
            with open(path, "w", encoding="utf-8") as fh:
                fh.write(text)
        return text


    def _verdict_html(self) -> list[str]:
        v = self.verdict
        out = [f"<div class='verdict'><h2>Verdict: <span class='{v['overall']}'>"
               f"{html.escape(v['overall'])}</span> overall</h2><table>"]
        for name, sec in v["sections"].items():
            out.append(f"<tr><th>{html.escape(name)}</th><td class='{sec['grade']}'>"
                       f"{html.escape(sec['grade'])}</td><td>{html.escape(sec['text'])}</td></tr>")
        out.append("</table>")
        if v["findings"]:
            out.append("<p>Worst findings first:</p><ul>")
            out += [f"<li><span class='{f['grade']}'>{f['grade']}</span>: "
                    f"{html.escape(f['text'])}</li>" for f in v["findings"][:8]]
            out.append("</ul>")
        out.append("<p class='note'>Grades come from fixed thresholds on the numbers below "
                   "(<a href='#how-we-judge'>how we judge</a>).</p></div>")
        return out


def _fmt(value) -> str:
    if isinstance(value, float):
        if not math.isfinite(value):
            return "n/a"
        return f"{value:.4g}"
    return str(value)


def report(real: pd.DataFrame | PreparedFrame, synthetic: pd.DataFrame | PreparedFrame, spec,
           history=None, privacy=None, holdout: pd.DataFrame | PreparedFrame | None = None,
           discriminative: bool = True, utility: bool = True, figures: bool = True,
           seed: int = 0, max_lag: int | None = None, title: str = "tfgan_ts evaluation report",
           discriminative_kwargs: dict | None = None, utility_kwargs: dict | None = None,
           verbose: int | bool = 0) -> Report:
    """Compare ``synthetic`` with ``real`` (long-format frames sharing ``spec``).

    Each frame is read once (a :class:`~tfgan_ts.evaluation.PreparedFrame`: its order,
    matrices, attributes and encoding) and shared by every measure.

    Args:
        real: the real sequences the generator was trained on.
        synthetic: generated sequences.
        spec: a fitted SequenceSpec (fitted on ``real`` here if it is not).
        history: a Keras History (or dict) of the training run, for the loss plot.
        privacy: differential-privacy facts to show as given (e.g. ``{"epsilon": 1.0,
            "delta": 1e-5, ...}`` from ``model.privacy_spent()``); None = trained without DP.
        holdout: real sequences NOT used in training; enables the utility (forecasting on
            them) and the holdout-based privacy measures.
        discriminative, utility, figures: turn the slower parts off (``discriminative``
            covers the GRU score and the realism section's gradient-boosting detector).
        seed: seeds the classifier, forecaster, the privacy baseline and sampling.
        max_lag: ACF lags (default: max_length − 1, at most 168).
        discriminative_kwargs, utility_kwargs: settings passed on to
            :func:`~tfgan_ts.evaluation.discriminative_score` (default ``repeats=1``: one split,
            to keep the report quick) and
            :func:`~tfgan_ts.evaluation.forecast_utility` (default ``epochs=3``,
            ``batch_size=64``, ``learning_rate=5e-3``; plus ``target``, ``window`` and
            ``max_sequences=100``).
        verbose: 1 prints each step as it starts and its seconds when done (the CLI does);
            0 (default) prints nothing.
    """
    if not spec.fitted_:
        spec.fit(real.frame if isinstance(real, PreparedFrame) else real)

    @contextlib.contextmanager
    def step(name):  # each step's freed memory back to the system before the next starts
        with progress.step(name, verbose=verbose, prefix="report: "):
            yield
            release_free_memory()

    with step("reading the frames"):
        real, synthetic = prepare(real, spec), prepare(synthetic, spec)
        holdout = prepare(holdout, spec) if holdout is not None else None
        for p in (real, synthetic, holdout):
            if p is not None:
                p.order  # noqa: B018  (sorts once, here, so the time is counted here)
    rep = Report(meta={
        "title": title,
        "created": datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
        "real sequences": int(len(real.lengths)),
        "synthetic sequences": int(len(synthetic.lengths)),
        "holdout sequences": int(len(holdout.lengths)) if holdout is not None
        else "none given",
        "max length": spec.max_length_,
    })
    with step("fidelity"):
        sections.fidelity(rep, real, synthetic, spec)
    with step("temporal structure"):
        sections.temporal(rep, real, synthetic, spec, max_lag)
    with step("realism" + (" (with a gradient-boosting detector)" if discriminative else "")):
        sections.realism(rep, real, synthetic, spec, seed, detector=discriminative)
    if discriminative:
        with step("discriminative score (GRU classifiers)"):
            sections.discriminative(rep, real, synthetic, spec, seed,
                                    discriminative_kwargs or {})
    else:
        rep.notes.append("Discriminative score skipped (discriminative=False).")
    if utility and holdout is not None:
        with step("utility (LSTM forecasters on real and on synthetic data)"):
            sections.utility(rep, (real, synthetic, holdout), spec, seed, utility_kwargs or {})
    elif utility:
        rep.notes.append("Utility not measured: it needs holdout= (real sequences not used to "
                         "train the generator) to test forecasters on.")
    with step("privacy"):
        sections.privacy(rep, real, synthetic, holdout, spec, privacy, seed)
    if history is not None:
        logs = getattr(history, "history", history)
        for key in ("d_loss", "g_loss", "wasserstein"):
            if key in logs and len(logs[key]):
                rep.add("training", f"final {key}", float(logs[key][-1]),
                        reading="last epoch's mean over batches")
    if figures:
        with step("figures"):
            sections.figures(rep, real, synthetic, spec, history, max_lag, seed)
    return rep
