### Respuesta a una sobredosis. Cada dato médico o legal cita el documento público que sigue en un
### comentario `# Source` encima (haven check lee esa palabra en todos los idiomas; ver flows/README.md).
### Mantener en GSM-7: sin á, í, ó, ú (é, ñ, ¿ y ¡ sí son GSM-7), comillas rectas, sin emoji.
### Trato de usted; a quien tiene la sobredosis se le llama "la persona" (y -le, la): nunca "su
### nombre" o "su pecho", que se leen como de usted.

# Debe caber en UN segmento SMS.
# Source: CDC en español, "Qué hacer si cree que alguien tiene una sobredosis" ("Administre ...
# naloxona ... y llame al 911"; "Quédese con la persona"); FDA Narcan Drug Facts (una dosis por
# aparato).
emergency-first = Llame al 911 ya. Si tiene naloxona (Narcan), dele 1 dosis en la nariz. Quédese con la persona. Le mando los pasos.

# Source: 988lifeline.org/get-help/what-to-expect (llamada o texto al 988, 24/7; en español:
# marque 2, o por texto AYUDA); comunicado de SAMHSA del 13-07-2023 (texto y chat en español).
emergency-988 = Si fue intencional, primero el 911. Después usted o la persona pueden llamar o escribir al 988 (apoyo en crisis, 24/7). En español, llame al 988 y marque 2, o mande AYUDA por texto.

# Source: manual de SAMHSA SMA18-4742SPANISH (Paso 2: llame al 911; Paso 3: naloxona); hoja del
# VA 41507ES (restregar el esternón con los nudillos; "diga la dirección y que la persona no
# está respirando"); FDA Narcan Drug Facts (no probar el aparato; otra dosis a los 2-3 minutos;
# una dosis por aparato); NARCAN Quick Start Guide, Emergent (boca arriba; cada dosis nueva con
# otro spray en la otra fosa nasal); CDC "What You Should Know About Xylazine" (la naloxona no
# hace daño si no hay opioides).
emergency-steps =
    Qué hacer:
    1. Grite el nombre de la persona y restriéguele fuerte el pecho con los nudillos.
    2. Naloxona: acueste a la persona boca arriba, la punta en una fosa nasal, empuje el émbolo fuerte. No la pruebe antes. No hace daño si no son opioides.
    3. Llame al 911 en altavoz si no lo ha hecho. Diga "Una persona no responde y no respira" y el domicilio.
    4. Espere 2-3 minutos. ¿Sigue sin respirar bien? Otra dosis con un aparato nuevo, en la otra fosa nasal.

# Boca a boca si respira lento o ronca; RCP si no respira o solo boquea. Nunca tomar el pulso (AHA).
# Source: manual de SAMHSA SMA18-4742SPANISH, Paso 4 (asistencia respiratoria: cabeza atrás,
# barbilla arriba, nariz cerrada, 2 soplos con el pecho subiendo, luego 1 cada 5 segundos);
# American Heart Association, algoritmo de emergencia asociada a opioides para reanimadores
# legos (2020: sin respiración o solo boqueos, RCP, sin tomar el pulso, guía del operador); CDC
# en español ("Coloque a la persona de costado para evitar que se asfixie"; quédese).
emergency-breathing = ¿Respira lento o hace ruidos como ronquidos? Dele aire boca a boca: levante bien la barbilla de la persona, ciérrele la nariz con los dedos y cubra la boca de la persona con la suya. 2 soplos (el pecho debe subir), luego 1 cada 5 segundos. ¿No respira o solo boquea? Empiece RCP: el 911 le va a guiar. ¿Respira bien? Ponga a la persona de costado. Quédese hasta que llegue la ayuda.

# Not a medical or legal statement: una pregunta y sus opciones.
emergency-ask = Cuénteme, ¿qué pasa ahora?
emergency-choice-not-breathing = Sigue sin respirar
emergency-choice-wont-wake = Respira, no despierta
emergency-choice-awake = Ya despierta
emergency-choice-no-naloxone = No tengo naloxona
emergency-choice-911 = Qué decir al 911
emergency-choice-stimulant = Convulsiones o calor
emergency-choice-self = Lo tomé yo
emergency-choice-other = Otra cosa

# Source: FDA Narcan Drug Facts (otra dosis cada 2-3 minutos, con un aparato nuevo; "es seguro
# seguir dando dosis"); American Heart Association, algoritmo para reanimadores legos (2020:
# sin respiración o solo boqueos, RCP; compresiones, y soplos si sabe; sin tomar el pulso);
# Amaducci et al., JAMA Network Open 2023, naloxona en sobredosis de nitazenos (más dosis) [verify].
emergency-not-breathing = Dele otra dosis con un aparato nuevo en la otra fosa nasal cada 2-3 minutos: cada aparato trae 1 dosis, y es seguro seguir dando dosis. Opioides muy fuertes, como los nitazenos, pueden necesitar varias. ¿No respira o solo boquea? Siga con RCP: empuje fuerte y seguido en el centro del pecho; si sabe hacerlo, 2 soplos cada 30 empujes. Siga al teléfono: el 911 le va a guiar.

# Respira pero no despierta: antes se le decía seguir con dosis y boca a boca.
# Source: CDC "What You Should Know About Xylazine" (dar naloxona igual; la xilacina puede seguir
# haciendo efecto después); FDA, "FDA warns about the risk of xylazine exposure in humans"
# (2022: la naloxona no revierte la xilacina; darla igual por el opioide); CDC en español (de
# costado para que no se asfixie); American Heart Association, algoritmo para reanimadores
# legos (si respira bien: mantener la vía aérea abierta y vigilar la respiración).
emergency-wont-wake = ¿Respira pero no despierta? Ponga a la persona de costado, con la rodilla de arriba doblada y la cabeza apoyada en una mano. Vigile que siga respirando y quédese cerca. Dele otra dosis (aparato nuevo) solo si respira cada vez menos o deja de respirar. La xilacina (tranq) puede dejar a la persona dormida aunque la naloxona esté funcionando. Si deja de respirar: RCP, y el 911 le va a guiar.

# Source: FDA Narcan Drug Facts (puede despertar temblando, sudando, con náusea o enojo; otra
# dosis si vuelve a tener mucho sueño; aparato nuevo); ficha técnica de la FDA ("Risk of
# Recurrent Respiratory and CNS Depression": la naloxona puede pasar antes que el opioide);
# "30-90 minutos": bringnaloxonehome.org (no es texto de la FDA).
emergency-awake = Bien. Quédese con la persona hasta que llegue la ayuda. Si tiene sueño, déjela de costado y vigile que respire. Puede despertar temblando, sudando, con ganas de vomitar o de mal humor; es normal. La naloxona puede pasar en 30-90 minutos, antes que el opioide: si respira lento o vuelve a tener mucho sueño, dele otra dosis con un aparato nuevo.

# Source: SAMHSA Overdose Prevention and Response Toolkit (2025, PEP23-03-00-001): avisar a
# quien atiende qué se dio; la sobredosis puede volver; ficha técnica de la FDA (depresión
# respiratoria recurrente cuando pasa la naloxona).
emergency-after = Cuando llegue la ayuda, avise que le dio naloxona, y si fue 1 dosis o varias. Y cuéntele a la persona: usar otra vez enseguida es peligroso, porque la sobredosis puede volver cuando pase la naloxona.

# Source: American Heart Association, algoritmo para reanimadores legos (2020: sin respiración o
# solo boqueos, RCP; guía del operador); manual de SAMHSA SMA18-4742SPANISH (asistencia
# respiratoria; qué no hacer: baño frío, vomitar, inyectar); CDC en español (de costado; quédese).
emergency-no-naloxone = Sin naloxona: llame al 911 ya. ¿No respira o solo boquea? Empiece RCP: el 911 le va a guiar. ¿Respira lento o ronca? Dele aire boca a boca: barbilla arriba, nariz cerrada, su boca sobre la de la persona, 1 soplo cada 5 segundos. ¿Respira por su cuenta? Ponga a la persona de costado y quédese con ella. Pida naloxona a quien esté cerca. No la meta en agua helada, no la haga vomitar ni le inyecte nada.

# Sin consejo legal por estado. La frase de inmigración no tiene fuente pública todavía [verify].
# Source: hoja del VA 41507ES ("diga la dirección y que la persona no está respirando"; aquí
# "domicilio" para quedar en GSM-7); Washington State DOH (no hace falta mencionar drogas); CDC
# "What to Do if You Think Someone is Overdosing" ("Most states have laws that may protect"; en
# español: "la mayor parte de los estados", no "casi todos"); SAMHSA CAPT "Understanding 911
# Good Samaritan Laws" (cambian por estado; suelen cubrir solo posesión menor).
emergency-what-to-say = Diga "Una persona no responde y no respira" y dé el domicilio o describa el lugar. No tiene que mencionar drogas, pero avise si le dio naloxona. En la mayor parte de los estados hay leyes del Buen Samaritano que pueden protegerle a usted y a la persona de algunos cargos por drogas cuando pide ayuda. Lo que cubren cambia de un estado a otro, y no cubren asuntos migratorios.

# Source: SAMHSA Overdose Prevention and Response Toolkit (2025, PEP23-03-00-001), sobredosis de
# estimulantes (calor, dolor de pecho, convulsiones; 911; naloxona si puede haber opioides);
# National Harm Reduction Coalition, "Responding to Stimulant Overamping" (harmreduction.org:
# enfriar con paños mojados y ventilador; en una convulsión despejar, no sujetar, nada en la
# boca; de costado después). Revisar la redacción con un clínico.
emergency-stimulant = Demasiada meta, coca o crack puede causar mucho calor en el cuerpo, dolor de pecho, palpitaciones fuertes o convulsiones. Llame al 911. Si la persona convulsiona: despeje el lugar, no la sujete, no le ponga nada en la boca; al terminar, déjela de costado. Refresque a la persona con paños mojados y un ventilador. Puede haber opioides en la droga: si le cuesta despertar o respira lento, dele naloxona.

# Quien escribe es quien tomó de más: los pasos para otra persona ("quédese con ella") no sirven.
# Source: poisonhelp.hrsa.gov (Poison Help 1-800-222-1222: gratis, confidencial, 24/7, con
# intérpretes; "si alguien está inconsciente o le cuesta respirar, llame al 911"); CDC en
# español (llamar al 911; que alguien se quede con la persona).
emergency-self = Si usted ha tomado demasiado: llame al 911 ya, aunque ahora se sienta bien. Quite el seguro de la puerta. Avise a alguien cerca, cuéntele lo que ha tomado, enséñele su naloxona y pida que se quede con usted. ¿Pastillas que no son opioides? Poison Help (1-800-222-1222) le dice qué hacer, gratis, 24/7, en español. Si le cuesta respirar o tiene mucho sueño: 911.

# Not a medical or legal statement: una pregunta y sus opciones.
emergency-self-ask = ¿Hay alguien con usted? Esa persona puede seguir los pasos que le mando.
emergency-choice-someone = Hay alguien conmigo
