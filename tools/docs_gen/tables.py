"""The tables of row statuses, reason codes and WhatsApp's error codes, from the lifecycle."""

from __future__ import annotations

from .common import _pick, _words


def _flag(move: object) -> str:
    return "--" + str(getattr(move, "name", move)).lower().replace("_", "-")


def status_table(lang: str) -> str:
    """Markdown: each status the report shows, what it means, and what a rerun does."""
    from bulk_sender import lifecycle as lc

    _ = _words(lang)
    head = _pick(lang, "| status | what it means | run the same command again |",
                 "| estado | qué significa | al ejecutar el mismo comando otra vez |",
                 "| status | o que significa | ao executar o mesmo comando de novo |")  # fmt: skip
    rows = [head, "|---|---|---|"]
    for status in lc.REPORTED:
        if status is lc.Status.READY:
            rerun = _pick(
                lang,
                "dry run only: `--sandbox` or `--live` sends it",
                "solo en el ensayo sin envío: `--sandbox` o `--live` lo envía",
                "só na simulação: `--sandbox` ou `--live` envia",
            )
        elif status in lc.SENDABLE:
            rerun = _pick(lang, "**sent**", "**se envía**", "**é enviado**")
        elif status in lc.RETRIED_BY:
            flag = _flag(lc.RETRIED_BY[status])
            rerun = _pick(lang, f"sent again only with `{flag}`", f"se reenvía solo con `{flag}`",
                          f"reenviado só com `{flag}`")  # fmt: skip
        else:
            rerun = _pick(lang, "never sent again", "nunca se reenvía", "nunca é reenviado")
        # As the report shows it (its word in the page's language), and its machine name.
        shown = f"`{status}`" if lang == "en" else f"{_(status.value)} (`{status}`)"
        rows.append(f"| {shown} | {_(lc.MEANINGS[status])} | {rerun} |")
    return "\n".join(rows) + "\n"


def reason_table(lang: str) -> str:
    """Markdown: each reason code `result_detail` starts with, in a few words."""
    from bulk_sender import lifecycle as lc

    _ = _words(lang)
    rows = [_pick(lang, "| reason code | in a few words |", "| código | en pocas palabras |",
                  "| código | em poucas palavras |"), "|---|---|"]  # fmt: skip
    rows += [f"| `{code}` | {_(words)} |" for code, words in lc.REASONS.items()]
    rows.append(f"| `api_<status>` | {_(lc.API_REASON).format(status='<status>')} |")
    return "\n".join(rows) + "\n"


def error_rule_table(lang: str) -> str:
    """Markdown: WhatsApp's error codes and what each does to the row (`ERROR_RULES`)."""
    from bulk_sender import lifecycle as lc

    _ = _words(lang)
    resend = {
        lc.Resend.SAME_RUN: _pick(lang, "not a failure: the run slows down and tries again",
                                  "no es un fallo: el envío va más lento y reintenta",
                                  "não é uma falha: o envio fica mais lento e tenta de novo"),
        lc.Resend.AFTER_BACKOFF: _pick(
            lang, "a later run sends it again by itself after a day, then 2, 4, up to 8 days; "
            "not before, even with `--retry-failed`",
            "un envío posterior lo reintenta solo tras un día, luego 2, 4, hasta 8 días; "
            "no antes, ni con `--retry-failed`",
            "um envio posterior a reenvia sozinha depois de um dia, depois 2, 4, até 8 dias; "
            "não antes, nem com `--retry-failed`"),
        lc.Resend.NEVER: _pick(lang, "this campaign never sends it again",
                               "esta campaña nunca lo reenvía",
                               "esta campanha nunca a reenvia"),
        lc.Resend.IF_ASKED: _pick(lang, "sent again by a later run (`failed`: with "
                                  "`--retry-failed`)", "un envío posterior lo manda "
                                  "(`failed`: con `--retry-failed`)",
                                  "um envio posterior a envia (`failed`: com `--retry-failed`)"),
    }  # fmt: skip
    head = _pick(lang, "| code | row | reason | what it means | next |",
                 "| código | fila | motivo | qué significa | después |",
                 "| código | linha | motivo | o que significa | depois |")  # fmt: skip
    rows = [head, "|---|---|---|---|---|"]
    for code, rule in lc.ERROR_RULES.items():
        status = f"`{lc.target(rule.move)}`" if rule.move is not None else "—"
        next_ = resend[rule.resend] + (f"; {_(rule.hint)}" if rule.hint else "")
        rows.append(f"| {code} | {status} | `{rule.reason}` | {_(rule.words)} | {next_} |")
    return "\n".join(rows) + "\n"
