### Pensamientos o intención de suicidio. Cálido, directo, sin sermones.

# Source: 988lifeline.org (llamada o texto al 988, 24/7; en español: marque 2, o por texto AYUDA).
crisis-988 = Gracias por contarme. No tiene que pasar por esto solo: llame o escriba al 988 a cualquier hora, 24/7. En español, marque 2 o mande AYUDA por texto.

# Source: PRODUCT.md (una sobredosis en curso es una emergencia: 911).
crisis-911 = Si ya ha tomado algo, o si corre peligro ahora mismo, llame al 911.
