### Respuestas rápidas: textos que un consejero inserta con un clic en la consola (o manda con
### `/quick N id` en el grupo de Telegram), siempre en el idioma de la persona.

# Source: FDA Narcan 4 mg Drug Facts (empujar el émbolo con fuerza; una dosis por aparato; no
# probarlo; llamar al 911; repetir cada 2-3 minutos; quedarse); NARCAN IFU (boca arriba, cabeza
# atrás; spray nuevo en la otra fosa nasal; luego de costado).
quick-naloxone =
    Naloxona (Narcan) en spray nasal, paso a paso:
    1. Acueste a la persona boca arriba, con la barbilla hacia arriba.
    2. La punta en una fosa nasal, empuje el émbolo con fuerza. No lo pruebe antes.
    3. Llame al 911.
    4. ¿No responde en 2-3 minutos? Un spray nuevo en la otra fosa nasal.
    5. Pase a la persona de costado y quédese hasta que llegue la ayuda.
    .label = Pasos de naloxona

# Source: 988lifeline.org (llamada o texto al 988, 24/7, gratis y confidencial; en español:
# marque 2, o por texto AYUDA).
quick-988 = Puede llamar o escribir al 988 (apoyo en crisis y para quien piensa en el suicidio) a cualquier hora. En español, marque 2 o mande AYUDA por texto. Es gratis y confidencial.
    .label = Línea 988

# Source: samhsa.gov/find-help/national-helpline (gratis, confidencial, 24/7, en inglés y
# español); FindTreatment.gov (buscador de SAMHSA).
quick-treatment = Si quiere ver opciones de tratamiento, a su manera: FindTreatment.gov muestra lugares cerca, y SAMHSA atiende en el 1-800-662-4357, gratis, confidencial y 24/7.
    .label = Opciones de tratamiento

# Not a medical or legal statement: el encabezado de la lista del directorio del operador (haven
# services import), la misma que manda el bot.
quick-services = Estos son servicios cerca de { $place }:
    .label = Servicios cercanos (código postal)
