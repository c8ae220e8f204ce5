### Despedidas, repetir y la salida tras dos malentendidos (flows/conversation.yaml).

conversation-close = De nada. Me puede escribir de nuevo cuando quiera, a cualquier hora.
# Durante los pasos de una sobredosis, la despedida lleva lo que importa.
# Source: CDC "Qué hacer si cree que alguien tiene una sobredosis" (cdc.gov/stop-overdose/es:
# quédese con la persona hasta que llegue la ayuda; llame al 911).
conversation-close-emergency = Quédese con la persona hasta que llegue la ayuda. Si deja de respirar o no despierta, llame al 911 ya y dele otra dosis de naloxona.
# Source: CDC "Qué hacer si cree que alguien tiene una sobredosis" (cdc.gov/stop-overdose/es);
# 988lifeline.org (llame o escriba al 988; en español marque 2 o escriba AYUDA).
conversation-stuck = Disculpe, no le entiendo. Si alguien tiene una sobredosis, llame al 911 ya. Si piensa en el suicidio: llame o escriba al 988.
# Source: CDC "Qué hacer si cree que alguien tiene una sobredosis" (cdc.gov/stop-overdose/es);
# 988lifeline.org (llame o escriba al 988; en español marque 2 o escriba AYUDA).
conversation-stuck-person = Disculpe, no le entiendo. Para hablar con una persona, responda PERSONA. Si alguien tiene una sobredosis, llame al 911 ya. Si piensa en el suicidio: llame o escriba al 988.
