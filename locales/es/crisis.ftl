### Pensamientos o intención de suicidio. Cálido, directo, sin sermones.

# Source: 988lifeline.org/get-help/what-to-expect (llamada o texto al 988, 24/7; en español:
# marque 2, o por texto AYUDA); comunicado de SAMHSA del 13-07-2023 (texto y chat en español).
crisis-988 = Gracias por contarme. No tiene que pasar por esto a solas: llame o escriba al 988 a cualquier hora, 24/7. En español, marque 2 o mande AYUDA por texto.

# Source: CDC en español, "Qué hacer si cree que alguien tiene una sobredosis" (llame al 911);
# poisonhelp.hrsa.gov ("si alguien está inconsciente o le cuesta respirar, llame al 911").
crisis-911 = Si ya ha tomado algo, o si corre peligro ahora mismo, llame al 911.
