### Las palabras propias de la página del chat web (título, etiquetas, botones, avisos). La
### conversación viene de los flujos. Se muestran en un navegador, no por SMS.

web-title = haven: chat de apoyo anónimo
# Source: CDC "What to Do if You Think Someone is Overdosing" (llamar al 911), como emergency-first.
web-intro = Apoyo gratuito y anónimo. No tiene que dar su nombre ni su número. Si alguien tiene una sobredosis, llame al 911 ya.
# Lo que haven guarda (deploy/OPERATOR.md): ningún texto, salvo un ZIP o lugar dado para una
# búsqueda (hasta que el chat vence) y un chat con un consejero mientras está abierto (cifrado,
# borrado al cerrarse).
web-privacy = haven no guarda lo que usted escribe, con dos excepciones: un código postal o lugar que usted da para buscar servicios (hasta que este chat vence), y un chat con un consejero mientras está abierto (guardado cifrado, borrado al cerrarse). "Salir rápido" cierra esta página enseguida y termina el chat.
# Los lectores de pantalla los anuncian antes de cada mensaje y para la lista de mensajes.
web-log-label = Conversación
web-you = Usted
web-haven = haven
web-message-label = Su mensaje
web-placeholder = Escriba un mensaje
web-send = Enviar
web-choices-label = Elija una respuesta
# Sin JavaScript la página no se actualiza sola; este botón muestra las respuestas nuevas.
web-check = Ver mensajes nuevos
web-exit = Salir rápido
web-skip = Ir al cuadro de mensaje
# Source: CDC "What to Do if You Think Someone is Overdosing" (llamar al 911), como emergency-first.
web-send-failed = No se pudo enviar su mensaje. Revise su conexión e inténtelo de nuevo. Si alguien tiene una sobredosis, llame al 911 ya.
web-new-session = Su chat anterior terminó; este es uno nuevo.
web-stale = Esta página estaba desactualizada y su mensaje no se envió. Por favor, envíelo de nuevo.
web-empty = Primero escriba un mensaje.
web-too-long = Ese mensaje es demasiado largo. Por favor, use menos de { $max } caracteres.
# El botón que muestra el sitio del programa (embed.js).
web-embed-button = Chatear con haven
# Los enlaces de la tarjeta de un lugar: llamar, cómo llegar, verlo en un mapa.
web-call = Llamar
web-directions = Cómo llegar
web-map = Mapa
# El botón que sale de la fila del consejero (manda MENU).
web-leave = Volver al bot
