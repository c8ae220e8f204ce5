### Bienvenida y menú principal.

menu-welcome = Hola, soy haven. Estoy para ayudarle, sin juzgar, y no tiene que decirme quién es. Si alguien tiene una sobredosis, llame al 911 ya. ¿Qué necesita?
menu-short = { safety-line } Esto es lo que puedo hacer:
# Se pregunta cuando un mensaje trae palabras de riesgo (sobredosis, morir) pero no coincidió con
# nada: nunca un simple "no entiendo".
# Source: CDC "Qué hacer si cree que alguien tiene una sobredosis" (cdc.gov/stop-overdose/es);
# 988lifeline.org (llame o escriba al 988; en español marque 2 o escriba AYUDA).
menu-clarify = ¿Alguien tiene una sobredosis ahora? Entonces llame al 911 ya. Si piensa en el suicidio: llame o escriba al 988 a cualquier hora.
menu-choice-clarify-overdose = Si, una sobredosis ahora
menu-choice-clarify-suicide = Pienso en el suicidio
menu-choice-clarify-no = No, otra cosa
menu-choice-emergency = Alguien tiene una sobredosis
menu-choice-naloxone = Usar la naloxona
menu-choice-services = Buscar servicios cerca
menu-choice-safer-use = Usar con menos riesgo
menu-choice-treatment = Opciones de tratamiento
menu-choice-human = Hablar con una persona
# La opción de idioma nombra el *otro* idioma, en ese idioma.
menu-choice-language = English
