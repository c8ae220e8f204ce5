### Usar con menos riesgo. Práctico, sin sermones.

# Source: no hace falta (una pregunta).
saferuse-intro = Algunas formas de usar con menos riesgo. ¿Qué quiere saber?
saferuse-choice-strips = Tiras de fentanilo
saferuse-choice-alone = No usar solo
saferuse-choice-mixing = Mezclar drogas
saferuse-choice-supplies = Conseguir material
saferuse-choice-menu = Otra cosa

# Source: CDC, "Fentanyl Test Strips: A Harm Reduction Strategy" (10 mg en un recipiente limpio y
# seco; 1/2 cucharadita de agua, 1 para metanfetamina; punta ondulada ~15 s; plana 2-5 min).
saferuse-strips = Tiras de prueba de fentanilo: ponga al menos 10 mg de su droga en un recipiente limpio y seco. Agregue 1/2 cucharadita de agua (1 cucharadita para meta) y mezcle. Meta la punta ondulada unos 15 segundos y luego deje la tira plana 2-5 minutos.

# Source: CDC, misma página (una raya = positivo; dos = negativo; sin raya o solo la de la derecha
# = no vale; un negativo no es garantía).
saferuse-strips-read = Resultado: 1 raya = hay fentanilo. 2 rayas = negativo. Sin raya, o solo la raya de la derecha: la prueba no sirve. Un negativo no garantiza nada, asi que tenga naloxona cerca.

# Source: Kentucky findnaloxone.ky.gov (alguien con naloxona que no use al mismo tiempo; empezar
# con poco). Never Use Alone 1-800-484-3731: solo fuentes secundarias (content-sources.md §2);
# verificar en neverusealone.com antes de usarlo de verdad.
saferuse-alone = Si puede, no use solo: esté con alguien que tenga naloxona, que no use al mismo tiempo y sepa darla. Empiece con poco y vaya despacio. Si usa solo, Never Use Alone (1-800-484-3731) se queda al teléfono y manda ayuda si deja de responder.

# Source: Kentucky findnaloxone.ky.gov (evitar mezclar con alcohol o benzodiacepinas).
saferuse-mixing = Mezclar opioides con alcohol o benzos (como Xanax) sube mucho el riesgo de sobredosis. Si mezcla, use menos, vaya despacio y tenga naloxona y a alguien con usted.
