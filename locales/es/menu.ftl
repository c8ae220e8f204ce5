### Bienvenida y menú principal.

menu-welcome = Hola, soy haven. Estoy para ayudarle, sin juzgar, y no tiene que decirme quién es. Si alguien tiene una sobredosis, llame al 911 ya. ¿Qué necesita?
menu-short = Esto es lo que puedo hacer:
menu-choice-emergency = Alguien tiene una sobredosis
menu-choice-naloxone = Usar la naloxona
menu-choice-services = Buscar servicios cerca
menu-choice-safer-use = Usar con menos riesgo
menu-choice-treatment = Opciones de tratamiento
menu-choice-human = Hablar con una persona
# La opción de idioma nombra el *otro* idioma, en ese idioma.
menu-choice-language = English
