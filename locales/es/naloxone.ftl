### Cómo usar la naloxona (sin emergencia en curso). Cada dato médico cita su documento público
### en un comentario `# Source` encima. A quien tiene la sobredosis se le llama "la persona".

# Source: FDA Narcan 4 mg Drug Facts (venta sin receta desde 2023); CDC en español, "Qué hacer si
# cree que alguien tiene una sobredosis" (si tiene dudas, trátelo como una sobredosis); CDC "What
# You Should Know About Xylazine" (la naloxona no hace daño si no hay opioides).
naloxone-what = La naloxona (Narcan) revierte una sobredosis de opioides, incluso de fentanilo. El spray nasal se vende sin receta. No le hace daño a quien no ha tomado opioides: si no sabe si es una sobredosis, dele naloxona igual.

# Source: NARCAN Quick Start Guide, Emergent (boca arriba, cabeza atrás, meter hasta que los
# dedos toquen la nariz); FDA Narcan Drug Facts (empujar con fuerza; una dosis por aparato; no
# probarlo; llamar al 911).
naloxone-how =
    Para usar el spray nasal:
    1. Acueste a la persona boca arriba, con la barbilla hacia arriba.
    2. Meta la punta en una fosa nasal hasta que sus dedos toquen la nariz de la persona.
    3. Empuje el émbolo con fuerza. No lo pruebe antes: cada aparato tiene una sola dosis.
    4. Llame al 911.

# Source: NARCAN Quick Start Guide, Emergent (de costado; cada dosis nueva con otro spray en la
# otra fosa nasal); FDA Narcan Drug Facts (esperar 2-3 minutos, repetir, quedarse); ficha técnica
# de la FDA (la naloxona puede pasar antes); CDC "What You Should Know About Xylazine" (puede
# seguir dormida; lo que importa es que respire).
naloxone-after = Luego ponga a la persona de costado. Espere 2-3 minutos; si sigue sin respirar bien, dele otra dosis con un aparato nuevo, en la otra fosa nasal. ¿Respira pero no despierta? Déjela de costado y vigile. Quédese con ella: la naloxona puede pasar antes que el opioide.

# Not a medical or legal statement: una pregunta y sus opciones.
naloxone-more = ¿Qué otra cosa le sirve?
naloxone-choice-signs = Señales de sobredosis
naloxone-choice-injection = Naloxona inyectable
naloxone-choice-xylazine = Tranq (xilacina)
naloxone-choice-nitazenes = Nitazenos
naloxone-choice-get = Conseguir naloxona
naloxone-choice-menu = Otra cosa

# Source: CDC en español (no despierta; respiración lenta; labios y uñas de color; pupilas en
# "punta de alfiler"; si tiene dudas, trátelo como una sobredosis).
naloxone-signs = Señales de una sobredosis de opioides: no despierta; respira lento, poco o nada; hace ruidos como de ahogo o ronquidos; labios y uñas azules o grises; pupilas muy chiquitas. ¿Tiene dudas? Dele naloxona igual.

# Fuentes de reducción de daños, no de la FDA: seguir el instructivo del kit.
# Source: NEXT Distro, hoja de naloxona inyectable, y Remedy Alliance (nextdistro.org): ampolla
# entera de 1 mL de 0,4 mg/mL, en el muslo o el brazo, repetir a los 2-3 minutos.
naloxone-injection = Naloxona inyectable (ampolla y jeringa): cargue toda la ampolla de 1 mL, inyecte derecho en el muslo o la parte alta del brazo, y repita a los 2-3 minutos si sigue sin respirar. Siga las instrucciones de su kit.

# Source: FDA, "FDA warns about the risk of xylazine exposure in humans" (2022: la naloxona no
# revierte la xilacina; darla igual por el opioide); CDC "What You Should Know About Xylazine";
# CDC MMWR 2025, medetomidina mezclada con fentanilo (Chicago, Filadelfia, Pittsburgh); CDC
# "Clinical Implications of Medetomidine Mixed with Opioids" (preguntas del seminario de 2025).
naloxone-xylazine = La xilacina y la medetomidina ("tranq") son sedantes para animales que vienen en el fentanilo. La naloxona no los revierte, pero déla siempre: revierte el opioide. Vigile que respire: la persona puede seguir dormida aunque la naloxona funcione. ¿Respira? De costado, y quédese. Otra dosis solo si respira cada vez menos o deja de respirar.

# Source: CDC "What You Should Know About Xylazine" (heridas graves; buscar atención); SAMHSA
# Overdose Prevention and Response Toolkit (2025, PEP23-03-00-001). Dónde reparten tiras de
# xilacina cambia según el programa [verify].
naloxone-xylazine-care = El tranq puede causar heridas que tardan en sanar, incluso lejos de donde se inyecta. Manténgalas cubiertas y que las vean pronto en un centro de salud o un programa de jeringas. Hay tiras de prueba para xilacina: pregunte en su programa de jeringas.

# Source: CDC MMWR 2022, "Notes from the Field: Nitazene-Related Deaths, Tennessee, 2019-2021";
# DEA, órdenes de control temporal de los nitazenos (benzimidazol-opioides), Federal Register;
# Amaducci et al., JAMA Network Open 2023, naloxona en sobredosis de nitazenos (más dosis) [verify].
naloxone-nitazenes = Los nitazenos son opioides, algunos superan al fentanilo en potencia, que vienen en pastillas falsas y en polvos. La naloxona funciona, pero pueden hacer falta varias dosis: dele otra con un aparato nuevo cada 2-3 minutos hasta que respire bien, y llame al 911.
