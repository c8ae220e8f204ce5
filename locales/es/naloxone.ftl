### Cómo usar la naloxona (sin emergencia en curso).

# Source: FDA Narcan 4 mg Drug Facts (venta sin receta desde 2023); CDC (si tiene dudas, trátelo
# como una sobredosis).
naloxone-what = La naloxona (Narcan) revierte una sobredosis de opioides, incluso de fentanilo. El spray nasal se vende sin receta. Si no sabe si es una sobredosis, dele naloxona de todos modos.

# Source: NARCAN Quick Start Guide (boca arriba, cabeza atrás, meter hasta que los dedos toquen
# la nariz); FDA Drug Facts (empujar con fuerza; una dosis por aparato; no probarlo; llamar al 911).
naloxone-how =
    Para usar el spray nasal:
    1. Acueste a la persona boca arriba y levante su barbilla.
    2. Meta la punta en una fosa nasal hasta que sus dedos toquen la nariz.
    3. Empuje el émbolo con fuerza. No lo pruebe antes: cada aparato tiene una sola dosis.
    4. Llame al 911.

# Source: NARCAN IFU (de costado; spray nuevo en la otra fosa nasal); FDA Drug Facts (esperar
# 2-3 minutos, repetir, quedarse); ficha de la FDA (la naloxona puede pasar antes).
naloxone-after = Luego acuéstela de lado. Espere 2-3 minutos; si no despierta, dele un spray nuevo en la otra fosa nasal. Quédese con ella: la naloxona puede pasar antes que el opioide.

# Source: no hace falta (una pregunta).
naloxone-more = ¿Qué otra cosa le sirve?
naloxone-choice-signs = Señales de sobredosis
naloxone-choice-injection = Naloxona inyectable
naloxone-choice-xylazine = Xilacina (tranq)
naloxone-choice-get = Conseguir naloxona
naloxone-choice-menu = Otra cosa

# Source: CDC en español (no despierta; respiración lenta; labios y uñas de color; pupilas en
# "punta de alfiler"; si tiene dudas, trátelo como una sobredosis).
naloxone-signs = Señales de una sobredosis de opioides: no despierta; respira lento, poco o nada; hace ruidos como de ahogo o ronquidos; labios y uñas azules o grises; pupilas muy chiquitas. ¿Tiene dudas? Dele naloxona igual.

# Source: NEXT Distro y Remedy Alliance (fuentes de reducción de daños, no de la FDA): ampolla
# entera de 1 mL, en el muslo o el brazo, repetir a los 2-3 minutos; seguir el instructivo del kit.
naloxone-injection = Naloxona inyectable (ampolla y jeringa): cargue toda la ampolla de 1 mL, inyecte derecho en el muslo o la parte alta del brazo, y repita a los 2-3 minutos si sigue sin respirar. Siga las instrucciones de su kit.

# Source: FDA sobre xilacina (la naloxona no revierte la xilacina; darla igual si se sospecha
# una sobredosis de opioides; vigilar la respiración).
naloxone-xylazine = La xilacina (tranq) suele venir mezclada con fentanilo. La naloxona no revierte la xilacina, pero dele naloxona igual: revierte el opioide. Vigile si respira: la persona puede seguir dormida aunque la naloxona funcione.
