"""One report that compares synthetic sequences with real ones: numbers, how to read them,
and figures — as a DataFrame, JSON, or a self-contained HTML page."""

from __future__ import annotations

import base64
import datetime
import html
import json
import math
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from . import report_sections as sections
from .prepared import PreparedFrame, prepare

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
    read the number); ``figures``: PNG bytes by title; ``notes``: what was skipped and why."""

    metrics: list[dict] = field(default_factory=list)
    figures: dict[str, bytes] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)
    meta: dict = field(default_factory=dict)

    def add(self, section: str, measure: str, value, column: str = "", reading: str = ""):
        """Append one row; numpy scalars become Python numbers (for JSON)."""
        if isinstance(value, (np.floating, np.integer)):
            value = value.item()
        self.metrics.append({"section": section, "measure": measure, "column": column,
                             "value": value, "reading": reading})

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
        payload = {"meta": self.meta, "notes": self.notes,
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
            "h2{border-bottom:2px solid #ddd;padding-bottom:.2em;margin-top:1.6em}</style>",
            "</head><body>",
            f"<h1>{html.escape(self.meta.get('title', 'tfgan_ts evaluation report'))}</h1>",
        ]
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
        out.append("</body></html>")
        text = "\n".join(out)
        if path is not None:
            with open(path, "w", encoding="utf-8") as fh:
                fh.write(text)
        return text


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
           discriminative_kwargs: dict | None = None, utility_kwargs: dict | None = None
           ) -> Report:
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
            :func:`~tfgan_ts.evaluation.discriminative_score` (default ``repeats=3``) and
            :func:`~tfgan_ts.evaluation.forecast_utility` (default ``epochs=10``,
            ``batch_size=256``; plus ``target``, ``window`` and ``max_sequences=300``).
    """
    if not spec.fitted_:
        spec.fit(real.frame if isinstance(real, PreparedFrame) else real)
    real, synthetic = prepare(real, spec), prepare(synthetic, spec)
    holdout = prepare(holdout, spec) if holdout is not None else None
    rep = Report(meta={
        "title": title,
        "created": datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
        "real sequences": int(len(real.lengths)),
        "synthetic sequences": int(len(synthetic.lengths)),
        "holdout sequences": int(len(holdout.lengths)) if holdout is not None
        else "none given",
        "max length": spec.max_length_,
    })
    sections.fidelity(rep, real, synthetic, spec)
    sections.temporal(rep, real, synthetic, spec, max_lag)
    sections.realism(rep, real, synthetic, spec, seed, detector=discriminative)
    if discriminative:
        sections.discriminative(rep, real, synthetic, spec, seed, discriminative_kwargs or {})
    else:
        rep.notes.append("Discriminative score skipped (discriminative=False).")
    if utility and holdout is not None:
        sections.utility(rep, (real, synthetic, holdout), spec, seed, utility_kwargs or {})
    elif utility:
        rep.notes.append("Utility not measured: it needs holdout= (real sequences not used to "
                         "train the generator) to test forecasters on.")
    sections.privacy(rep, real, synthetic, holdout, spec, privacy, seed)
    if history is not None:
        logs = getattr(history, "history", history)
        for key in ("d_loss", "g_loss", "wasserstein"):
            if key in logs and len(logs[key]):
                rep.add("training", f"final {key}", float(logs[key][-1]),
                        reading="last epoch's mean over batches")
    if figures:
        sections.figures(rep, real, synthetic, spec, history, max_lag, seed)
    return rep
