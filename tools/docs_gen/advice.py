"""The troubleshooting page's own words: the stages, and what each group of errors means and
what to do about it, in English, Spanish and Portuguese."""

from __future__ import annotations

STAGES = ("cli", "ui", "engine", "contacts", "messages", "protect", "journal", "delivery",
          "report", "sandbox")  # fmt: skip
"""The order of the troubleshooting page: front ends, the engine, then the stages as a row
meets them."""

STAGE_NAMES = {
    "cli": ("the command line", "la línea de comandos", "a linha de comando"),
    "ui": ("the web page", "la página web", "a página web"),
    "engine": ("preparing and running a campaign", "preparar y ejecutar una campaña",
               "preparar e executar uma campanha"),
    "contacts": ("reading the contacts file", "leer el archivo de contactos",
                 "ler o arquivo de contatos"),
    "messages": ("the message template", "la plantilla del mensaje", "o modelo da mensagem"),
    "protect": ("opt-outs, consent, send hours, the daily budget",
                "bajas, consentimiento, horario, presupuesto diario",
                "descadastros, consentimento, horário, orçamento diário"),
    "journal": ("the campaign's journal", "el registro (journal) de la campaña",
                "o registro (journal) da campanha"),
    "delivery": ("talking to Plazbot", "la conexión con Plazbot", "a conexão com o Plazbot"),
    "report": ("writing the report", "escribir el reporte", "escrever o relatório"),
    "sandbox": ("the test server (`bulk-sender serve`)",
                "el servidor de prueba (`bulk-sender serve`)",
                "o servidor de teste (`bulk-sender serve`)"),
}  # fmt: skip

ADVICE: dict[tuple[str, str | None], tuple[str, str, str]] = {
    ("BulkSenderError", None): (
        "A problem that stops the run. The line names what went wrong; nothing was sent.",
        "Un problema que detiene el envío. La línea dice qué falló; no se envió nada.",
        "Um problema que interrompe o envio. A mensagem diz o que deu errado; nada foi enviado.",
    ),
    ("InputError", None): (
        "A file you gave cannot be read or used as it is. The line names the file, and the row "
        "and column when there is one. Nothing was sent (exit 2): fix the file or the flag "
        "the line names, then run the same command again.",
        "Un archivo que usted indicó no se puede leer o usar tal como está. La línea nombra el "
        "archivo, y la fila y la columna cuando las hay. No se envió nada (salida 2): corrija "
        "el archivo o la opción que nombra la línea y ejecute el mismo comando otra vez.",
        "Um arquivo que você indicou não pode ser lido ou usado do jeito que está. A mensagem "
        "nomeia o arquivo, e a linha e a coluna quando houver. Nada foi enviado (saída 2): "
        "corrija o arquivo ou a opção que a mensagem nomeia e execute o mesmo comando de novo.",
    ),
    ("InputError", "contacts"): (
        "The contacts file: its format, its sheet, its header row or the phone column. Open "
        "the file in Excel to check the name the line gives; `--sheet`, `--phone-column` and "
        "`--country-column` name the right ones by hand. An `.xlsx` saved by Excel and a CSV "
        "export are both fine.",
        "El archivo de contactos: su formato, su hoja, su fila de títulos o la columna del "
        "teléfono. Ábralo en Excel y revise el nombre que da la línea; `--sheet`, "
        "`--phone-column` y `--country-column` indican a mano los correctos.",
        "O arquivo de contatos: o formato, a aba, a linha de títulos ou a coluna do telefone. "
        "Abra-o no Excel e confira o nome que a mensagem dá; `--sheet`, `--phone-column` e "
        "`--country-column` indicam à mão os corretos.",
    ),
    ("InputError", "journal"): (
        "A campaign's journal (`reports/<campaign>.journal.sqlite3`) cannot be used for this. "
        "Check the path; `bulk-sender report JOURNAL` and `settle`/`replies` take the campaign's "
        "name or its journal.",
        "El journal de una campaña (`reports/<campaña>.journal.sqlite3`) no sirve para esto. "
        "Revise la ruta; `bulk-sender report JOURNAL`, `settle` y `replies` reciben el nombre "
        "de la campaña o su journal.",
        "O registro de uma campanha (`reports/<campanha>.journal.sqlite3`) não serve para isto. "
        "Confira o caminho; `bulk-sender report REGISTRO`, `settle` e `replies` recebem o nome da "
        "campanha ou o registro dela.",
    ),
    ("TemplateError", None): (
        "The message template cannot be used: an unknown column, a typo in `{{ }}` or `{% %}`, "
        "a date pattern or currency that would print nonsense. The line names the template, "
        "the line and the closest column. Nothing was sent (exit 2): fix the template, then "
        "run the same command again. See [Templates](templates.md).",
        "La plantilla del mensaje no se puede usar: una columna desconocida, un error en "
        "`{{ }}` o `{% %}`, un formato de fecha o moneda que imprimiría algo sin sentido. La "
        "línea nombra la plantilla, la línea y la columna más parecida. No se envió nada "
        "(salida 2): corrija la plantilla y ejecute el mismo comando otra vez. Vea "
        "[Plantillas](templates.md).",
        "O modelo da mensagem não pode ser usado: uma coluna desconhecida, um erro em `{{ }}` ou "
        "`{% %}`, um formato de data ou moeda que imprimiria algo sem sentido. A mensagem nomeia "
        "o modelo, a linha e a coluna mais parecida. Nada foi enviado (saída 2): corrija o modelo "
        "e execute o mesmo comando de novo. Veja [Modelos](templates.md).",
    ),
    ("ConfigError", None): (
        "An option or a setting is missing, malformed, or contradicts another. Nothing was "
        "sent (exit 2). The line names the flag or variable: see `bulk-sender send --help` or "
        "the [command reference](cli.md); credentials go in a `.env` file in the working "
        "folder (`PLAZBOT_WORKSPACE_ID=...`).",
        "Falta una opción o un ajuste, está mal escrito o contradice a otro. No se envió nada "
        "(salida 2). La línea nombra la opción o la variable: vea `bulk-sender send --help` o "
        "la [referencia de comandos](cli.md); las credenciales van en un archivo `.env` en la "
        "carpeta de trabajo (`PLAZBOT_WORKSPACE_ID=...`).",
        "Falta uma opção ou uma configuração, ela está mal escrita ou contradiz outra. Nada foi "
        "enviado (saída 2). A mensagem nomeia a opção ou a variável: veja `bulk-sender send "
        "--help` ou a [referência de comandos](cli.md); as credenciais vão em um arquivo `.env` "
        "na pasta de trabalho (`PLAZBOT_WORKSPACE_ID=...`).",
    ),
    ("ConfigError", "sandbox"): (
        "A flag of `bulk-sender serve`, the test server, is out of range. Only rehearsals and "
        "tests use it.",
        "Una opción de `bulk-sender serve`, el servidor de prueba, está fuera de rango. Solo "
        "los ensayos y las pruebas lo usan.",
        "Uma opção de `bulk-sender serve`, o servidor de teste, está fora do intervalo. Só os "
        "ensaios e os testes o usam.",
    ),
    ("JournalError", None): (
        "The campaign's journal, which remembers every message sent, cannot be used: another "
        "run of the campaign holds it, it belongs to another template or target, it is "
        "damaged, or the disk is full or read-only. Nothing was sent (exit 2). Wait for the "
        "other run, use `--campaign NEW-NAME` for a new campaign, or free some space; never "
        "delete a journal of a campaign that sent, or it forgets who got the message. See "
        "[Resuming](resume.md).",
        "El journal de la campaña, que recuerda cada mensaje enviado, no se puede usar: otro "
        "envío de la campaña lo tiene abierto, es de otra plantilla o destino, está dañado, o "
        "el disco está lleno o es de solo lectura. No se envió nada (salida 2). Espere al otro "
        "envío, use `--campaign NOMBRE-NUEVO` para una campaña nueva, o libere espacio; nunca "
        "borre el journal de una campaña que envió, o olvidará a quién le llegó el mensaje. "
        "Vea [Reanudar](resume.md).",
        "O registro da campanha, que lembra cada mensagem enviada, não pode ser usado: outro "
        "envio da campanha o mantém aberto, ele é de outro modelo ou destino, está danificado, ou "
        "o disco está cheio ou é somente leitura. Nada foi enviado (saída 2). Espere o outro "
        "envio, use `--campaign NOME-NOVO` para uma campanha nova, ou libere espaço; nunca apague "
        "o registro de uma campanha que enviou, ou ele esquecerá quem recebeu a mensagem. Veja "
        "[Retomar](resume.md).",
    ),
    ("JournalFailed", None): (
        "The journal failed while sending (a full disk, say): no new message left, every "
        "outcome already journaled is kept, the report was written if it could be (exit 1). "
        "Free some space and run the same command again: nobody gets a message twice; the "
        "messages that were on their way are `uncertain`.",
        "El journal falló durante el envío (disco lleno, por ejemplo): no salió ningún mensaje "
        "nuevo, se conservó cada resultado ya registrado y se escribió el reporte si se pudo "
        "(salida 1). Libere espacio y ejecute el mismo comando otra vez: nadie recibe dos "
        "veces; los mensajes que iban en camino quedan `uncertain`.",
        "O registro falhou durante o envio (disco cheio, por exemplo): nenhuma mensagem nova "
        "saiu, cada resultado já registrado foi mantido e o relatório foi escrito se possível "
        "(saída 1). Libere espaço e execute o mesmo comando de novo: ninguém recebe duas vezes; "
        "as mensagens que estavam a caminho ficam `uncertain`.",
    ),
    ("ReportError", None): (
        "The report cannot be written where asked: the folder is missing or read-only, the "
        "file is open in Excel (Windows locks it), or the name does not end in `.xlsx` or "
        "`.csv`. Checked before sending, so nothing was sent (exit 2): close the file or give "
        "`--report` another path.",
        "El reporte no se puede escribir donde se pidió: la carpeta no existe o es de solo "
        "lectura, el archivo está abierto en Excel (Windows lo bloquea), o el nombre no termina "
        "en `.xlsx` o `.csv`. Se revisa antes de enviar, así que no se envió nada (salida 2): "
        "cierre el archivo o dé otra ruta con `--report`.",
        "O relatório não pode ser escrito onde foi pedido: a pasta não existe ou é somente "
        "leitura, o arquivo está aberto no Excel (o Windows o bloqueia), ou o nome não termina em "
        "`.xlsx` ou `.csv`. Isso é verificado antes de enviar, então nada foi enviado (saída 2): "
        "feche o arquivo ou dê outro caminho com `--report`.",
    ),
    ("ReportNotWritten", None): (
        "Messages were sent, but the report could not be written at the end (a full disk, "
        "say). The journal keeps every outcome (exit 1): free some space and run the same "
        "command again (or `bulk-sender report JOURNAL`); it writes the report and sends "
        "nothing twice.",
        "Se enviaron mensajes, pero el reporte no se pudo escribir al final (disco lleno, por "
        "ejemplo). El journal conserva cada resultado (salida 1): libere espacio y ejecute el "
        "mismo comando otra vez (o `bulk-sender report JOURNAL`); escribe el reporte y no "
        "envía nada dos veces.",
        "Mensagens foram enviadas, mas o relatório não pôde ser escrito no final (disco cheio, "
        "por exemplo). O registro guarda cada resultado (saída 1): libere espaço e execute o "
        "mesmo comando de novo (ou `bulk-sender report REGISTRO`); ele escreve o relatório e não "
        "envia nada duas vezes.",
    ),
    ("AbortedByApi", None): (
        "Plazbot refuses every message: a wrong workspace or key (401, or 404 before any "
        "success), or the first 20 messages all refused for the same reason (exit 3). Check "
        "`PLAZBOT_WORKSPACE_ID` and `PLAZBOT_API_KEY` in your `.env`, and the reason the line "
        "gives; rows not sent stay `pending`, so the same command sends them once fixed.",
        "Plazbot rechaza todos los mensajes: espacio de trabajo o clave equivocados (401, o "
        "404 antes de algún éxito), o los primeros 20 mensajes rechazados por el mismo motivo "
        "(salida 3). Revise `PLAZBOT_WORKSPACE_ID` y `PLAZBOT_API_KEY` en su `.env` y el motivo "
        "que da la línea; las filas no enviadas quedan `pending` y el mismo comando las envía "
        "una vez corregido.",
        "O Plazbot recusa todas as mensagens: workspace ou chave errados (401, ou 404 antes de "
        "algum sucesso), ou as primeiras 20 mensagens recusadas pelo mesmo motivo (saída 3). "
        "Confira `PLAZBOT_WORKSPACE_ID` e `PLAZBOT_API_KEY` no seu `.env` e o motivo que a "
        "mensagem dá; as linhas não enviadas ficam `pending` e o mesmo comando as envia depois de "
        "corrigido.",
    ),
    ("ConfigError", "ui"): (
        "The web page sent something the run cannot use: a field left empty or out of range, "
        "or a second campaign while one is running. The page shows the line beside the "
        "button; fill in the field it names, or wait for the running campaign (or stop it).",
        "La página envió algo que el envío no puede usar: un campo vacío o fuera de rango, o "
        "una segunda campaña mientras otra está en curso. La página muestra la línea junto al "
        "botón; complete el campo que nombra, o espere a que termine la campaña en curso (o "
        "deténgala).",
        "A página enviou algo que o envio não pode usar: um campo vazio ou fora do intervalo, ou "
        "uma segunda campanha enquanto outra está em andamento. A página mostra a mensagem ao "
        "lado do botão; preencha o campo que ela nomeia, ou espere a campanha em andamento "
        "terminar (ou pare-a).",
    ),
    ("InputError", "ui"): (
        "The page needs the contacts file (again): choose or drop it in step 1.",
        "La página necesita el archivo de contactos (otra vez): elíjalo o arrástrelo en el paso 1.",
        "A página precisa do arquivo de contatos (de novo): escolha-o ou arraste-o no passo 1.",
    ),
    ("ConfigError", "protect"): (
        "A protection setting cannot be used: `--send-hours`, the opt-out list, the stop "
        "words, or the daily budget's files in your data folder. Fix the value the line "
        "names; see [Protecting your number](protect.md).",
        "Un ajuste de protección no se puede usar: `--send-hours`, la lista de bajas, las "
        "palabras de baja, o los archivos del presupuesto diario en su carpeta de datos. "
        "Corrija el valor que nombra la línea; vea [Proteger su número](protect.md).",
        "Uma configuração de proteção não pode ser usada: `--send-hours`, a lista de descadastro, "
        "as palavras de descadastro, ou os arquivos do orçamento diário na sua pasta de dados. "
        "Corrija o valor que a mensagem nomeia; veja [Proteger o seu número](protect.md).",
    ),
    ("InputError", "protect"): (
        "The opt-out list or the consent column cannot be used: the file is missing, has no "
        "phone column, or cannot be written (open in Excel?). The list is left as it was.",
        "La lista de bajas o la columna de consentimiento no se puede usar: el archivo no "
        "existe, no tiene columna de teléfono, o no se puede escribir (¿abierto en Excel?). "
        "La lista queda como estaba.",
        "A lista de descadastro ou a coluna de consentimento não pode ser usada: o arquivo não "
        "existe, não tem coluna de telefone, ou não pode ser escrito (aberto no Excel?). A lista "
        "fica como estava.",
    ),
    ("InputError", "engine"): (
        "The file or journal the run was given cannot be used: it is missing, is not a "
        "journal, or the contacts file changed while the run read it (a sync folder "
        "rewriting it, say). Nothing was sent: check the path, or wait for the file to settle "
        "and run the same command again.",
        "El archivo o journal indicado no se puede usar: no existe, no es un journal, o el "
        "archivo de contactos cambió mientras se leía (una carpeta sincronizada que lo "
        "reescribe, por ejemplo). No se envió nada: revise la ruta, o espere a que el archivo "
        "no cambie y ejecute el mismo comando otra vez.",
        "O arquivo ou registro indicado não pode ser usado: não existe, não é um registro, ou o "
        "arquivo de contatos mudou enquanto era lido (uma pasta sincronizada que o reescreve, por "
        "exemplo). Nada foi enviado: confira o caminho, ou espere o arquivo parar de mudar e "
        "execute o mesmo comando de novo.",
    ),
    ("ConfigError", "messages"): (
        "The approved template's variables (`--var`, `--header-var`) or `--send-type` are "
        "written in a way Plazbot cannot take: number them 1, 2, 3... without gaps, or name "
        "them, not both. See [Templates](templates.md).",
        "Las variables de la plantilla aprobada (`--var`, `--header-var`) o `--send-type` "
        "están escritas de una forma que Plazbot no acepta: numérelas 1, 2, 3... sin saltos, "
        "o nómbrelas, no ambas cosas. Vea [Plantillas](templates.md).",
        "As variáveis do modelo aprovado (`--var`, `--header-var`) ou `--send-type` estão "
        "escritas de um jeito que o Plazbot não aceita: numere-as 1, 2, 3... sem pular, ou dê "
        "nomes a elas, não as duas coisas. Veja [Modelos](templates.md).",
    ),
    ("StopReason.ABORTED", None): (
        "Plazbot refuses every message: a wrong key (401), a wrong workspace or URL (404 "
        "before any success), or the first 20 messages all refused for the same reason (say "
        "the 24-hour window is closed for everyone). The run stopped at once (exit 3). Check "
        "`PLAZBOT_WORKSPACE_ID`, `PLAZBOT_API_KEY` and `--api-url`, or switch to an approved "
        "template; the rows not sent stay `pending`, so the same command sends them once fixed.",
        "Plazbot rechaza todos los mensajes: clave equivocada (401), espacio de trabajo o URL "
        "equivocados (404 antes de algún éxito), o los primeros 20 mensajes rechazados por el "
        "mismo motivo (por ejemplo, la ventana de 24 horas cerrada para todos). El envío se "
        "detuvo de inmediato (salida 3). Revise `PLAZBOT_WORKSPACE_ID`, `PLAZBOT_API_KEY` y "
        "`--api-url`, o use una plantilla aprobada; las filas no enviadas quedan `pending` y el "
        "mismo comando las envía una vez corregido.",
        "O Plazbot recusa todas as mensagens: chave errada (401), workspace ou URL errados (404 "
        "antes de algum sucesso), ou as primeiras 20 mensagens recusadas pelo mesmo motivo (por "
        "exemplo, a janela de 24 horas fechada para todos). O envio parou na hora (saída 3). "
        "Confira `PLAZBOT_WORKSPACE_ID`, `PLAZBOT_API_KEY` e `--api-url`, ou use um modelo "
        "aprovado; as linhas não enviadas ficam `pending` e o mesmo comando as envia depois de "
        "corrigido.",
    ),
    ("StopReason.QUALITY", None): (
        "The quality brake: too many of the last 50 answers were refusals that hurt the "
        "number (blocks, opt-outs, numbers not on WhatsApp). Sending paused before WhatsApp "
        "lowers the number's quality (exit 1). Look at the report's failed rows, clean the "
        "list, then run the same command again to go on. See [Protecting your number](protect.md).",
        "El freno de calidad: demasiadas de las últimas 50 respuestas fueron rechazos que "
        "dañan al número (bloqueos, bajas, números sin WhatsApp). El envío se pausó antes de "
        "que WhatsApp baje la calidad del número (salida 1). Revise las filas `failed` del "
        "reporte, limpie la lista y ejecute el mismo comando otra vez para continuar. Vea "
        "[Proteger su número](protect.md).",
        "O freio de qualidade: respostas demais entre as últimas 50 foram recusas que prejudicam "
        "o número (bloqueios, descadastros, números sem WhatsApp). O envio foi pausado antes que "
        "o WhatsApp baixe a qualidade do número (saída 1). Veja as linhas `failed` do relatório, "
        "limpe a lista e execute o mesmo comando de novo para continuar. Veja [Proteger o seu "
        "número](protect.md).",
    ),
    ("StopReason.NETWORK_DOWN", None): (
        "20 connection failures in a row: the internet or Plazbot is down, or `--api-url` is "
        "wrong (exit 1). The messages never left, so they stay `pending`: check the "
        "connection and run the same command again.",
        "20 fallos de conexión seguidos: se cayó internet o Plazbot, o `--api-url` está mal "
        "(salida 1). Los mensajes no salieron y quedan `pending`: revise la conexión y ejecute "
        "el mismo comando otra vez.",
        "20 falhas de conexão seguidas: a internet ou o Plazbot caiu, ou `--api-url` está errado "
        "(saída 1). As mensagens não saíram e ficam `pending`: confira a conexão e execute o "
        "mesmo comando de novo.",
    ),
    ("StopReason.INTERRUPTED", None): (
        "Ctrl-C, or the process was asked to stop (exit 130): the messages on their way "
        "finished and were journaled, the rest stay `pending`, the report was written. Run "
        "the same command again to go on.",
        "Ctrl-C, o se pidió detener el proceso (salida 130): los mensajes en camino terminaron "
        "y quedaron registrados, el resto queda `pending` y se escribió el reporte. Ejecute el "
        "mismo comando otra vez para continuar.",
        "Ctrl-C, ou foi pedido que o processo parasse (saída 130): as mensagens a caminho "
        "terminaram e ficaram registradas, o resto fica `pending` e o relatório foi escrito. "
        "Execute o mesmo comando de novo para continuar.",
    ),
    ("StopReason.JOURNAL_FAILED", None): (
        "The journal could not be written while sending: see `JournalFailed` above.",
        "No se pudo escribir el journal durante el envío: vea `JournalFailed` más arriba.",
        "Não foi possível escrever o registro durante o envio: veja `JournalFailed` acima.",
    ),
}
"""What a group of errors means and what to do, by (error class, stage), else (class, None);
in English, Spanish and Portuguese. A new message shows on the page by itself, under its group."""
