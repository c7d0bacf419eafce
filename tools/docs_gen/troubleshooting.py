"""The troubleshooting page: every error, grouped by stage and class, with its advice."""

from __future__ import annotations

from .advice import ADVICE, STAGE_NAMES, STAGES
from .common import _pick
from .errors import Raised, error_classes, raised


def advice(error: str, stage: str, lang: str) -> str:
    """The hand-written paragraph for a group (the class's, when the stage has none)."""
    from bulk_sender import errors

    cls = getattr(errors, error, None)
    for name in [c.__name__ for c in (cls.__mro__ if cls else ())] or [error]:
        for key in ((name, stage), (name, None)):
            if key in ADVICE:
                return _pick(lang, *ADVICE[key])
    raise KeyError(f"no advice for {error} in {stage}: add it to ADVICE (docs_gen/advice.py)")


def _code(text: str) -> str:
    """`text` as inline code, whatever backticks it holds."""
    fence = "``" if "`" in text else "`"
    pad = " " if fence == "``" else ""
    return f"{fence}{pad}{text}{pad}{fence}"


def troubleshooting(lang: str) -> str:
    """Markdown: every error message, grouped by stage then error class, each group with what
    it means and what to do."""
    found, _unread = raised()
    classes = error_classes()
    groups: dict[tuple[str, str], list[Raised]] = {}
    for item in found:
        groups.setdefault((item.stage, item.error), []).append(item)
    order = {stage: i for i, stage in enumerate(STAGES)}
    out = []
    for stage, error in sorted(groups, key=lambda k: (order.get(k[0], len(order)), k)):
        title = _pick(lang, *STAGE_NAMES.get(stage, (stage, stage, stage)))
        exit_words = _pick(lang, "exit", "salida", "saída")
        out.append(f"### {title[0].upper()}{title[1:]}: `{error}` ({exit_words} "
                   f"{classes[error]}) {{#{stage}-{error.lower()}}}\n")  # fmt: skip
        out.append(advice(error, stage, lang) + "\n")
        seen = set()
        for item in sorted(groups[(stage, error)], key=lambda r: (r.module, r.line)):
            shown = item.shown(lang)
            if shown in seen:
                continue
            seen.add(shown)
            hint = item.hint_shown(lang)
            extra = f" — {_pick(lang, 'hint', 'sugerencia', 'dica')}: {_code(hint)}" if hint else ""
            out.append(f"- {_code(shown)}{extra} <small>({item.module})</small>")
        out.append("")
    return "\n".join(out)
