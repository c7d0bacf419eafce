"""The benchmarks' tables and chart, from the files bench/*.py write (docs/bench/<name>.json)."""

from __future__ import annotations

import json

from .common import BENCH, _pick

BENCHMARKS = {
    "targets": ("python bench/targets.py", "The engine's four targets, in one run",
                "Los cuatro objetivos del motor, en una sola ejecución",
                "Os quatro objetivos do motor, em uma só execução"),
    "send": ("python bench/send.py", "Sending speed against a bare aiohttp loop",
             "Velocidad de envío frente a un bucle aiohttp simple",
             "Velocidade de envio comparada a um laço aiohttp simples"),
    "gap": ("python bench/gap.py", "Where the sending phase's gap goes",
            "Adónde se va la diferencia de la fase de envío",
            "Para onde vai a diferença da fase de envio"),
    "pipeline-csv": ("python bench/pipeline.py", "A 100,000-row dry run, stage by stage: CSV",
                     "Un ensayo de 100.000 filas, etapa por etapa: CSV",
                     "Uma simulação de 100.000 linhas, etapa por etapa: CSV"),
    "pipeline-xlsx": ("python bench/pipeline.py",
                      "A 100,000-row dry run, stage by stage: XLSX",
                      "Un ensayo de 100.000 filas, etapa por etapa: XLSX",
                      "Uma simulação de 100.000 linhas, etapa por etapa: XLSX"),
    "scale": ("python bench/scale.py", "Scaling to a million rows",
              "Escalar a un millón de filas", "Escalar para um milhão de linhas"),
    "memory": ("python bench/memory.py", "Peak memory of a million-row dry run",
               "Memoria máxima de un ensayo de un millón de filas",
               "Memória máxima de uma simulação de um milhão de linhas"),
    "rate": ("python bench/rate.py", "The rate limit", "El límite de velocidad",
             "O limite de velocidade"),
}  # fmt: skip


def bench_runs(name: str) -> list[dict[str, object]]:
    data = json.loads((BENCH / f"{name}.json").read_text(encoding="utf-8"))
    return list(data["runs"])


def _table(columns: list[str], rows: list[list[str]]) -> str:
    cells = [columns, *rows]
    lines = ["| " + " | ".join(c.replace("|", "\\|") for c in row) + " |" for row in cells]
    lines.insert(1, "|" + "---|" * len(columns))
    return "\n".join(lines)


def bench_section(name: str, lang: str) -> str:
    """Markdown: a benchmark's latest full run (its table, date, machine, commit, notes), and
    its earlier runs' key figures."""
    command, *titles = BENCHMARKS[name]
    runs = bench_runs(name)
    full = [run for run in runs if run.get("columns")]
    latest = full[-1]
    out = [f"### {_pick(lang, *titles)} {{#bench-{name}}}\n"]
    code = f", `{latest['code']}`" if latest.get("code") else ""
    out.append(_pick(lang, f"`{command}`, latest run: **{latest['date']}** on {latest['machine']}"
                     f"{code}.", f"`{command}`, última ejecución: **{latest['date']}** en "
                     f"{latest['machine']}{code}.", f"`{command}`, última execução: "
                     f"**{latest['date']}** em {latest['machine']}{code}.") + "\n")  # fmt: skip
    out.append(_table(list(latest["columns"]), [list(r) for r in latest["rows"]]) + "\n")  # type: ignore[arg-type]
    for note in latest.get("notes", []):  # type: ignore[attr-defined]
        out.append(f"- {note}")
    with_figures = [run for run in runs if run.get("figures")]
    if len(with_figures) > 1:
        keys: list[str] = []
        for run in with_figures:
            keys += [k for k in run["figures"] if k not in keys]  # type: ignore[attr-defined]
        out.append("\n" + _pick(lang, "Runs of this script:", "Ejecuciones de este script:",
                                 "Execuções deste script:") + "\n")  # fmt: skip
        head = [_pick(lang, "run", "ejecución", "execução"),
                _pick(lang, "code", "código", "código"), *keys]  # fmt: skip
        rows = []
        for run in with_figures:
            figures = run["figures"]
            what = " ".join(filter(None, [f"`{run['code']}`" if run.get("code") else "",
                                          str(run.get("label", ""))]))  # fmt: skip
            rows.append([str(run["date"]), what, *[figures.get(k, "") for k in keys]])  # type: ignore[attr-defined]
        out.append(_table(head, rows))
    return "\n".join(out) + "\n"


def _number(text: str) -> float:
    return float(text.replace(",", "").split()[0])


def bench_chart(lang: str) -> str:
    """An SVG bar chart, inline: messages per second of each way of sending, from the latest
    run of `bench/send.py`, with the ideal (concurrency / latency) drawn as a line."""
    latest = [run for run in bench_runs("send") if run.get("columns")][-1]
    bars = [(str(row[0]), _number(str(row[1]))) for row in latest["rows"]]  # type: ignore[attr-defined]
    ideal = 1280.0
    width, left, bar_h, gap = 640, 250, 22, 8
    top = 30
    height = top + len(bars) * (bar_h + gap) + 30
    scale = (width - left - 60) / ideal
    title = _pick(lang, f"Messages per second, 20,000 messages ({latest['date']})",
                  f"Mensajes por segundo, 20.000 mensajes ({latest['date']})",
                  f"Mensagens por segundo, 20.000 mensagens ({latest['date']})")  # fmt: skip
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" role="img" aria-label="{title}" '
        'font-family="sans-serif" font-size="13">',
        f'<text x="0" y="18" font-weight="bold">{title}</text>',
    ]
    for i, (label, value) in enumerate(bars):
        y = top + i * (bar_h + gap)
        colour = "#2e7d32" if label.startswith("bulk-sender") else "#90a4ae"
        parts.append(f'<text x="{left - 8}" y="{y + 16}" text-anchor="end">{label}</text>')
        parts.append(f'<rect x="{left}" y="{y}" width="{max(value * scale, 1):.1f}" '
                     f'height="{bar_h}" fill="{colour}"/>')  # fmt: skip
        parts.append(f'<text x="{left + value * scale + 6:.1f}" y="{y + 16}">{value:,.0f}</text>')
    x = left + ideal * scale
    bottom = top + len(bars) * (bar_h + gap)
    parts.append(f'<line x1="{x:.1f}" y1="{top - 4}" x2="{x:.1f}" y2="{bottom}" '
                 'stroke="#c62828" stroke-dasharray="4 3"/>')  # fmt: skip
    ideal_words = _pick(lang, "ideal 1,280/s", "ideal 1.280/s", "ideal 1.280/s")
    parts.append(f'<text x="{x:.1f}" y="{bottom + 16}" text-anchor="end" fill="#c62828">'
                 f"{ideal_words}</text>")  # fmt: skip
    parts.append("</svg>")
    return "".join(parts) + "\n"
