### Respuesta a una sobredosis. Fuentes en content-sources.md §1 (CDC en español, manual de
### SAMHSA SMA18-4742SPANISH, hoja de naloxona del VA 41507ES). Mantener en GSM-7: sin á, í, ó, ú
### (é, ñ, ¿ y ¡ sí son GSM-7), comillas rectas, sin emoji.

# Source: CDC en español, "Qué hacer si cree que alguien tiene una sobredosis" ("Administre ...
# naloxona ... y llame al 911"; "Quédese con la persona"); FDA Narcan Drug Facts (una dosis por
# aparato). Debe caber en UN segmento SMS.
emergency-first = Llame al 911 ya. Si tiene naloxona (Narcan), dele 1 dosis en la nariz. Quédese con la persona. Le mando los pasos.

# Source: 988lifeline.org (llamada o texto al 988, 24/7; por texto en español: AYUDA).
emergency-988 = Si fue intencional, primero el 911. Después usted o la persona pueden llamar o escribir al 988 (apoyo en crisis, 24/7). Por texto en español, mande AYUDA al 988.

# Source: manual de SAMHSA SMA18-4742SPANISH (Paso 2: llame al 911; Paso 3: naloxona); hoja del
# VA 41507ES (frotar el esternón; "diga la dirección y que la persona no está respirando");
# FDA Narcan Drug Facts (no probar el aparato; otra dosis cada 2-3 minutos, otra fosa nasal).
emergency-steps =
    Qué hacer:
    1. Grite su nombre y frote fuerte su pecho con los nudillos.
    2. Naloxona: acuéstelo boca arriba, ponga la punta en una fosa nasal y empuje el émbolo con fuerza. No la pruebe antes.
    3. Llame al 911 en altavoz si no lo ha hecho. Diga "Una persona no responde y no respira" y el domicilio.
    4. Espere 2-3 minutos. ¿No reacciona? Dele otra dosis en la otra fosa nasal.

# Source: manual de SAMHSA (Paso 4: asistencia respiratoria, 1 soplo cada 5 segundos); CDC en
# español ("Coloque a la persona de costado para evitar que se asfixie"; quédese con la persona).
emergency-breathing = Si no respira: levante su barbilla, cierre su nariz con los dedos y dele 1 soplo de aire boca a boca cada 5 segundos. Cuando respire, acuéstelo de lado para que no se ahogue. Quédese hasta que llegue la ayuda, aunque despierte.

# Source: no hace falta (una pregunta).
emergency-ask = Cuénteme, ¿qué pasa ahora?
emergency-choice-not-breathing = Sigue sin respirar
emergency-choice-awake = Ya respira o despierta
emergency-choice-no-naloxone = No tengo naloxona
emergency-choice-911 = Qué decir al 911
emergency-choice-other = Otra cosa

# Source: FDA Narcan Drug Facts (otra dosis cada 2-3 minutos; "es seguro seguir dando dosis");
# manual de SAMHSA (asistencia respiratoria); guía de ASAM 2025 (sin pulso: RCP; siga al 911).
emergency-not-breathing = Dele otra dosis de naloxona en la otra fosa nasal cada 2-3 minutos; es seguro seguir dando dosis. Siga con 1 soplo de aire cada 5 segundos. Si no tiene pulso, haga RCP como le diga el 911.

# Source: FDA Narcan Drug Facts (puede despertar temblando, sudando, con náusea o enojado; otra
# dosis si vuelve a dormirse); ficha de la FDA (la naloxona puede pasar antes que el opioide);
# "30-90 minutos": bringnaloxonehome.org, no es texto de la FDA.
emergency-awake = Bien. Déjelo de lado y quédese hasta que llegue la ayuda. Puede despertar temblando, sudando, con ganas de vomitar o enojado; es normal. La naloxona puede pasar en 30-90 minutos, antes que el opioide: si se vuelve a dormir mucho, dele otra dosis.

# Source: manual de SAMHSA (asistencia respiratoria; qué no hacer: baño frío, vomitar, inyectar;
# mantener abrigado); FDA 2023, Narcan sin receta.
emergency-no-naloxone = Llame al 911 y dele aire boca a boca: levante su barbilla, cierre su nariz con los dedos, 1 soplo cada 5 segundos. Pida naloxona a quien esté cerca. No lo meta en agua helada, no lo haga vomitar ni le inyecte nada. Manténgalo abrigado.

# Source: hoja del VA 41507ES ("diga la dirección y que la persona no está respirando"; aquí "domicilio" para que el texto quede en GSM-7); hoja de
# Washington (no hace falta mencionar drogas); CDC (leyes del Buen Samaritano en casi todos los
# estados). Sin consejo legal por estado.
emergency-what-to-say = Diga "Una persona no responde y no respira" y dé el domicilio o describa el lugar. No tiene que mencionar drogas. En casi todos los estados hay leyes del Buen Samaritano que pueden protegerle a usted y a la persona cuando pide ayuda.
