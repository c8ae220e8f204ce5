### Textos propios de haven: cumplimiento SMS, idioma, consejeros, respaldos.

# Operadores: pongan aquí el contacto de ayuda del programa (número gratuito o sitio web).
-help-contact = escriba MENU

# El texto de volver y de emergencia es el del producto.
# Source: CTIA Messaging Principles vía Twilio (una sola confirmación); 988lifeline.org.
optout-confirm = No le mandaremos otros mensajes de haven. Responda START o INICIAR para volver. Emergencia: llame al 911. Crisis: llame o escriba al 988.
# STOP en el chat web o en Telegram: borra lo guardado y haven sigue respondiendo.
forget-confirm = Listo: borré lo que guardaba de este chat. Puede seguir escribiendo cuando quiera. Emergencia: llame al 911. Crisis: llame o escriba al 988.
optin-confirm = Bienvenido de nuevo a haven. Puede escribirme cuando quiera.

# Source: CTIA vía Twilio (nombre del programa, contacto, frecuencia, tarifas, cómo salir);
# 988lifeline.org.
help-info = haven: apoyo gratis, sin nombre, para reducir daños, por texto. Ayuda: { -help-contact }. Frecuencia variable. Pueden aplicar tarifas de mensajes y datos. Responda STOP o ALTO para salir. Emergencia: 911. Crisis: llame o escriba al 988.

# Said once when one person sends more than the rate limit allows in a minute.
rate-limited = Está mandando mensajes muy rápido; voy a hacer una pausa de un minuto. Si alguien tiene una sobredosis, llame al 911 ya.

# La línea que lleva toda respuesta a algo no entendido (PRODUCT.md, `other`).
# Source: CDC "Qué hacer si cree que alguien tiene una sobredosis" (cdc.gov/stop-overdose/es: llame
# al 911); 988lifeline.org (llame o escriba al 988; en español marque 2 o escriba AYUDA).
safety-line = Sobredosis: llame al 911. Si piensa en el suicidio: llame o escriba al 988.
not-understood = Disculpe, no entiendo. { safety-line } Elija una:
language-set = Listo, le escribo en español.

human-intro = Voy a intentar conectarle con un consejero, una persona real.
handoff-queued = Le puse en la fila para hablar con un consejero. Le aviso cuando alguien se una. Mande MENU para volver al bot.
# Source: 988lifeline.org (24/7; en español marque 2 o escriba AYUDA);
# samhsa.gov/find-help/national-helpline (gratis, confidencial, 24/7, inglés y español).
handoff-unavailable = Lo siento, ahora no hay consejeros disponibles. Puede llamar o escribir al 988 a cualquier hora (en español marque 2 o escriba AYUDA). Para saber de tratamientos, llame a SAMHSA 1-800-662-4357 (gratis, confidencial, 24/7).
handoff-left = Listo, ya no espera al consejero. Vuelvo a ser el bot.
# El primer mensaje de un chat web pide una persona: entra en la fila cuando escriba otra vez.
handoff-held = Puedo ponerle en la fila para hablar con un consejero. Mande un mensaje más con unas palabras sobre lo que está pasando, y lo leerá primero. Si alguien tiene una sobredosis, llame al 911 ahora.
# Ya hay demasiados chats web esperando a un consejero.
# Source: 988lifeline.org (24/7; en español marque 2 o escriba AYUDA).
handoff-full = Lo siento, ahora mismo los consejeros no pueden atender otro chat. Puede llamar o escribir al 988 a cualquier hora (en español marque 2 o escriba AYUDA). Si alguien tiene una sobredosis, llame al 911 ahora.
handoff-emergency-alerted = También le avisé a su consejero.

# Source: samhsa.gov/find-help/national-helpline (1-800-662-4357: gratis, confidencial, 24/7,
# inglés y español); FindTreatment.gov; FDA 2023, Narcan sin receta.
refer-none = Por ahora no tengo lugares cerca para eso. Busque tratamiento y servicios en FindTreatment.gov o llame a SAMHSA al 1-800-662-4357 (gratis, confidencial, 24/7, en inglés y español). En farmacias venden Narcan sin receta.

# Consejería: sin promesas sobre la espera.
# Source: 988lifeline.org (llamada o texto al 988, 24/7; en español marque 2 o escriba AYUDA).
handoff-out-of-hours = Ahora no hay consejeros de turno. Si corre peligro, llame al 911; puede llamar o escribir al 988 a cualquier hora (en español marque 2 o escriba AYUDA). Si quiere, deje un mensaje en este chat y un consejero lo va a leer en el siguiente turno. Mande MENU para volver al bot.
handoff-position = Es el número { $position } en la fila. Si nadie puede atenderle en { $minutes } minutos, le mando otras opciones y sigue en la fila.
handoff-waiting = Sigo buscando un consejero para usted; es el número { $position } en la fila. Mande MENU para volver al bot.
# Source: 988lifeline.org (en español marque 2 o escriba AYUDA); samhsa.gov/find-help/national-helpline.
handoff-timeout = Lo siento, sigue sin haber un consejero libre. Sigue en la fila. Mientras tanto: llame o escriba al 988 a cualquier hora (en español marque 2 o escriba AYUDA), o llame a SAMHSA al 1-800-662-4357 (gratis, 24/7). En una emergencia llame al 911.
handoff-assigned = Ya hay un consejero con usted. Lo que escriba le llega a esa persona.
handoff-counselor-says = Consejero: { $text }
handoff-released = Su consejero tuvo que salir. Vuelve a la fila para el siguiente.
handoff-closed = El consejero cerró este chat. Vuelve con el bot de haven: mande MENU cuando quiera.
handoff-transferred = Ahora le atiende otro consejero. Lo que escriba le llega a esa persona.
# La única pregunta opcional después de que un consejero cierra; la respuesta solo se cuenta, nunca se guarda.
handoff-feedback = Una pregunta, si quiere: ¿le ayudó este chat? Responda 1 sí, 2 un poco, 3 no. O siga escribiendo.
feedback-thanks = Gracias. Eso nos ayuda a mejorar. Aquí estoy si necesita algo: mande MENU.

# La etiqueta del botón de Telegram que manda la ubicación cuando haven pregunta dónde está.
telegram-share-location = 📍 Compartir mi ubicación

# La etiqueta del botón de Telegram que sale de la fila del consejero (manda MENU).
telegram-leave = ↩️ Volver al bot
