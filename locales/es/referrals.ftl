# Referencias: respuestas con los servicios más cercanos del directorio del operador.
# Las usa bot/referrals/render.rs, que define exactamente estos ids (MESSAGE_IDS).
#
# Los argumentos son textos que formatea el código:
#   $here (yes|no: una ubicación compartida en vez de un ZIP o lugar), $place (un ZIP o un
#   lugar), $value ("0.4", "12"), $unit (mi|km), $approx (yes|no: la ubicación del lugar es
#   solo su código postal), $time ("9:00", "17:30"), $day (mo|tu|we|th|fr|sa|su), $kind (un
#   tipo de servicio o any), $radius (una distancia ya formateada), $phone, $url.
#
# Por SMS la lista de tres lugares cabe en dos segmentos (160 caracteres, GSM-7). Los textos
# de la lista evitan á, í, ó y ú, que no son GSM-7 (ñ, é y ü sí lo son). En SMS el código
# cambia los acentos que queden (á → a) para no pasar a UCS-2.

## La lista

refer-header =
    { $here ->
        [yes] Cerca de usted:
       *[no] Cerca de { $place }:
    }

# "~" marca una distancia medida al centro del código postal del lugar.
refer-distance =
    { $approx ->
        [yes] ~{ $value }
       *[no] { $value }
    } { $unit ->
        [km] km
       *[mi] mi
    }

refer-open-247 = abierto 24/7
refer-open-until = abierto hasta { $time }
refer-opens-today = abre hoy { $time }
refer-opens-tomorrow = abre mañana { $time }
refer-opens-day =
    abre el { $day ->
        [mo] lunes
        [tu] martes
        [we] miércoles
        [th] jueves
        [fr] viernes
        [sa] sábado
       *[su] domingo
    } { $time }
refer-closed = cerrado

## Solo Telegram y chat web

refer-phone = Teléfono: { $phone }
refer-map = Mapa: { $url }
refer-approx-location = La ubicación es aproximada (el centro de su código postal).
# Va antes de las notas de un lugar cuando se muestran en inglés porque el directorio no las
# tiene en español.
refer-notes-in-english = (en inglés)

## Más resultados ("MAS" lo maneja el flujo de referencias)

refer-more = Responda MAS para ver otros lugares.
refer-no-more = Esos son todos los lugares que tengo a menos de { $radius }.

## Nada cerca

# Not a medical or legal statement: says what the directory holds; the national options follow.
refer-none-near =
    No encontré { $kind ->
        [naloxone] naloxona
        [syringe] servicios de jeringas
        [methadone] metadona
        [buprenorphine] buprenorfina
        [treatment] tratamiento
        [testing] pruebas de VIH/hepatitis C
        [fentanyl-strips] tiras de prueba de fentanilo
        [overdose-prevention-center] un centro de prevención de sobredosis
        [drop-in] un centro de acogida
       *[any] ningún lugar
    } a menos de { $radius } de { $here ->
        [yes] usted
       *[no] { $place }
    } en nuestra lista.

# Línea Nacional de Ayuda de SAMHSA: gratis, confidencial, 24/7, los 365 días, en inglés y
# español; información y referencias a tratamiento (no es consejería). FindTreatment.gov es el
# buscador de tratamiento de SAMHSA.
# Source: samhsa.gov/find-help/national-helpline
refer-national = Busque tratamiento en FindTreatment.gov o llame al teléfono nacional de ayuda de SAMHSA, 1-800-662-4357 (gratis, confidencial, 24/7, en inglés y español).

## Preguntar dónde está la persona

refer-ask-location = Para buscar lugares cerca de usted, mande su código postal (por ejemplo 10001), comparta su ubicación o dígame su barrio.
refer-unknown-zip = No conozco ese código postal (ZIP). ¿Puede revisarlo, o decirme su barrio o ciudad?

## Tipos de servicio (Telegram y chat web los muestran bajo cada lugar)

refer-kind-naloxone = naloxona
refer-kind-syringe = servicios de jeringas
refer-kind-methadone = metadona
refer-kind-buprenorphine = buprenorfina
refer-kind-treatment = tratamiento
refer-kind-testing = pruebas de VIH/hepatitis C
refer-kind-fentanyl-strips = tiras de prueba de fentanilo
refer-kind-overdose-prevention-center = centro de prevención de sobredosis
refer-kind-drop-in = centro de acogida
