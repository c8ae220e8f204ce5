### Lo que solo dice una llamada (bot/channels/voice, bot/speech): el saludo, el teclado, la
### transferencia a un consejero, los lugares leídos en voz alta. Escriba los números como en
### cualquier texto: la llamada lee el 911, el 988, los teléfonos y los ZIP cifra por cifra
### (bot/speech/words.rs). Trato de usted.

# Lo primero que oye quien llama, antes del menú, en cada idioma.
# Source: CDC en español, "Qué hacer si cree que alguien tiene una sobredosis"
# (cdc.gov/stop-overdose/es): "Administre ... naloxona ... y llame al 911".
voice-opening = Si alguien tiene una sobredosis ahora mismo, llame primero al 911, aunque tenga que colgar, y dele naloxona si tiene. Para escuchar los pasos, oprima 0 en cualquier momento.
# Una opción del paso como tecla.
voice-press = Oprima { $digit }: { $label }.
# Al final de cada paso.
voice-keys = Para escucharlo de nuevo, oprima asterisco.
# Tras un silencio. No se cuelga pronto: la persona puede estar ocupada con los pasos.
voice-silence = Sigo aquí. Para escucharlo de nuevo, oprima asterisco. Si alguien tiene una sobredosis, oprima 0. También puede hablar.
# Source: CDC en español, "Qué hacer si cree que alguien tiene una sobredosis" (llame al 911).
voice-goodbye = Voy a colgar. Puede llamar de nuevo cuando quiera. Si alguien tiene una sobredosis, llame al 911.

# Para comunicar a quien llama con el teléfono de un consejero.
voice-connecting = Estoy llamando a un consejero para usted. Esta llamada no se graba. Por favor, no cuelgue.
voice-trying-next = Ese consejero no pudo contestar. Estoy probando con otro. Por favor, no cuelgue.
# Source: 988lifeline.org/get-help/what-to-expect (llame al 988, 24/7; en español, marque 2).
voice-no-counselor = Ahora no hay un consejero que pueda contestar. Puede hablar ya con la Línea 988 de Prevención del Suicidio y Crisis: oprima 1 y le comunico. Al entrar, marque 2 para español. También puede llamar al 988 usted mismo, a cualquier hora. Oprima 2 para el menú.
# Source: 988lifeline.org (la Línea atiende llamadas al 988, 24/7; en español, marque 2).
voice-lifeline = Le comunico con la Línea 988. Para español, marque 2 cuando conteste. Si se corta, marque 988.
# Source: CDC en español, "Qué hacer si cree que alguien tiene una sobredosis" (llame al 911).
voice-after-call = Gracias por llamar a haven. Puede llamar de nuevo cuando quiera. Si alguien tiene una sobredosis, llame al 911.
# Lo que oye el consejero al contestar, antes de la llamada: en el idioma de quien llama, para
# que lo sepa.
voice-whisper = Aquí haven, con una persona que pidió hablar con un consejero. Habla español. Oprima 1 para tomar la llamada.

# Un lugar de una lista, leído en voz alta (el teléfono, cifra por cifra).
voice-place = { $number }. { $name }, { $distance }.
voice-place-open = Abierto ahora.
voice-place-closed = Cerrado ahora.
voice-place-phone = Teléfono: { $digits }.

## Formas habladas de textos que escritos no suenan bien en una llamada.

menu-welcome-voice = Hola, soy haven. Estoy para ayudarle, sin juzgar, y no tiene que decirme quién es. ¿Qué necesita?
language-set-voice = Listo, le hablo en español.
conversation-close-voice = De nada. Puede llamar o escribir cuando quiera, a cualquier hora.
feedback-thanks-voice = Gracias. Eso nos ayuda a mejorar. Aquí estoy si necesita algo.
# Source: CDC "Qué hacer si cree que alguien tiene una sobredosis" (cdc.gov/stop-overdose/es);
# 988lifeline.org (llame o escriba al 988).
conversation-stuck-person-voice = Disculpe, no le entiendo. Para hablar con una persona, diga: una persona. Si alguien tiene una sobredosis, llame al 911 ya, u oprima 0 para los pasos. Si piensa en el suicidio, llame al 988.
# Source: CDC "Qué hacer si cree que alguien tiene una sobredosis" (cdc.gov/stop-overdose/es);
# 988lifeline.org (llame o escriba al 988).
conversation-stuck-voice = Disculpe, no le entiendo. Si alguien tiene una sobredosis, llame al 911 ya, u oprima 0 para los pasos. Si piensa en el suicidio, llame al 988.
# Source: CDC "Qué hacer si cree que alguien tiene una sobredosis" (cdc.gov/stop-overdose/es);
# 988lifeline.org (llame o escriba al 988).
forget-confirm-voice = Listo: borré lo que guardaba de esta llamada. Si alguien tiene una sobredosis, llame al 911. Si piensa en el suicidio, llame al 988.
services-ask-where-voice = ¿Cuál es su ZIP o su barrio? Dígalo, o marque las 5 cifras de su ZIP y después la tecla numeral. Lo guardo solo hasta que termine la llamada.
services-where-again-voice = No encontré ese lugar. Diga el nombre de su barrio, o marque un ZIP de 5 cifras y después la tecla numeral.

# Un paso a la vez, cada uno su frase, leído despacio con una pausa después de cada uno.
# Source: manual de SAMHSA SMA18-4742SPANISH (Paso 2: llame al 911; Paso 3: naloxona); hoja del
# VA 41507ES (restregar el esternón con los nudillos; "diga la dirección y que la persona no
# está respirando"); FDA Narcan Drug Facts (no probar el aparato; otra dosis a los 2-3 minutos;
# una dosis por aparato); NARCAN Quick Start Guide, Emergent (boca arriba; cada dosis nueva con
# otro spray en la otra fosa nasal); CDC "What You Should Know About Xylazine" (la naloxona no
# hace daño si no hay opioides).
emergency-steps-voice =
    Esto es lo que hay que hacer, paso por paso.
    Paso 1. Grite el nombre de la persona y restriéguele fuerte el pecho con los nudillos.
    Paso 2. Naloxona. Acueste a la persona boca arriba. Ponga la punta en una fosa nasal y empuje el émbolo fuerte. No la pruebe antes. No hace daño si no son opioides.
    Paso 3. Llame al 911 en altavoz si no lo ha hecho. Diga: una persona no responde y no respira. Después diga dónde está.
    Paso 4. Espere 2 a 3 minutos. Si sigue sin respirar bien, dele otra dosis con un aparato nuevo, en la otra fosa nasal.
