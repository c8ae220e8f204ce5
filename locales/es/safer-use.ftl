### Usar con menos riesgo. Práctico, sin sermones. Cada dato médico cita su documento público en
### un comentario `# Source` encima.

# Not a medical or legal statement: una pregunta y sus opciones.
saferuse-intro = Algunas formas de usar con menos riesgo. ¿Qué quiere saber?
saferuse-choice-strips = Tiras de fentanilo
saferuse-choice-alone = No usar a solas
saferuse-choice-mixing = Mezclar drogas
saferuse-choice-tolerance = Tolerancia tras una pausa
saferuse-choice-supplies-care = Material nuevo, heridas
saferuse-choice-tranq = Tranq y nitazenos
saferuse-choice-stimulants = Meta, coca, crack
saferuse-choice-supplies = Conseguir material
saferuse-choice-menu = Otra cosa

# Source: CDC, "Fentanyl Test Strips: A Harm Reduction Strategy" (10 mg en un recipiente limpio
# y seco; 1/2 cucharadita de agua, 1 para metanfetamina; punta ondulada ~15 s; plana 2-5 min).
saferuse-strips = Tiras de prueba de fentanilo: ponga al menos 10 mg de su droga en un recipiente limpio y seco. Agregue 1/2 cucharadita de agua (1 cucharadita para meta) y mezcle. Meta la punta ondulada unos 15 segundos y luego deje la tira plana 2-5 minutos.

# Source: CDC, "Fentanyl Test Strips: A Harm Reduction Strategy" (una raya = positivo; dos =
# negativo; sin raya o solo la de la derecha = no vale; un negativo no es garantía).
saferuse-strips-read = Resultado: 1 raya = hay fentanilo. 2 rayas = negativo. Sin raya, o solo la raya de la derecha: la prueba no sirve. Aunque salga negativo puede haber fentanilo: tenga naloxona cerca y no use a solas.

# El número de Never Use Alone y cómo funciona la línea vienen solo de fuentes secundarias [verify].
# Source: Kentucky findnaloxone.ky.gov (alguien con naloxona que no use al mismo tiempo; empezar
# con poco); neverusealone.com (1-800-484-3731: alguien se queda al teléfono, pide la ubicación
# y manda una ambulancia si deja de responder).
saferuse-alone = Si puede, no use a solas: esté con alguien que tenga naloxona, que no use al mismo tiempo y sepa darla. Empiece con poco y vaya despacio. ¿Va a usar a solas? Antes, llame a Never Use Alone al 1-800-484-3731: alguien se queda al teléfono y le pide que diga el lugar donde se encuentra. Si deja de contestar, manda una ambulancia a ese lugar.

# Source: Kentucky findnaloxone.ky.gov (evitar mezclar con alcohol o benzodiacepinas); SAMHSA
# Overdose Prevention and Response Toolkit (2025, PEP23-03-00-001: opioides con alcohol,
# benzodiacepinas u otros sedantes frenan la respiración; la naloxona solo revierte opioides).
saferuse-mixing = Mezclar opioides con alcohol, benzos (como Xanax) u otros calmantes sube mucho el riesgo de sobredosis: todos pueden hacer que respire lento o deje de respirar. Si mezcla, use menos, vaya despacio, no use a solas y tenga naloxona cerca. La naloxona solo revierte el opioide: llame al 911 también.

# Source: SAMHSA Opioid Overdose Prevention Toolkit (SMA18-4742: la tolerancia baja tras una
# desintoxicación, al salir de la cárcel o al dejar un tratamiento, y sube el riesgo); SAMHSA
# Overdose Prevention and Response Toolkit (2025, PEP23-03-00-001).
saferuse-tolerance = La tolerancia baja enseguida cuando deja de usar un tiempo, por ejemplo si estuvo preso, en tratamiento, en un centro de detox o en el hospital. La cantidad que usaba antes ahora puede ser demasiado. Empiece con mucho menos, vaya despacio, no use a solas y tenga naloxona a mano.

# Source: CDC "HIV and Injection Drug Use" (cdc.gov/hiv: jeringas y material estéril nuevos cada
# vez; nunca compartir agujas, jeringas, cucharas, algodones ni agua); CDC "Syringe Services
# Programs (SSPs) FAQs" (material estéril gratis); National Harm Reduction Coalition
# (harmreduction.org: pipa o popote propios).
saferuse-supplies = Use material nuevo cada vez: aguja, jeringa, cuchara, algodones y agua, y su propia pipa o popote. No los comparta ni los vuelva a usar, ni con su pareja: el VIH y la hepatitis C se pasan de ese modo. Los programas de jeringas dan material nuevo gratis; pregunte y le busco uno cerca.

# Source: National Harm Reduction Coalition, "Getting Off Right: A Safety Manual for Injection
# Drug Users" (harmreduction.org: lavar manos y piel, cambiar de sitio, señales de infección);
# CDC "What You Should Know About Xylazine" (heridas lejos del sitio de inyección; buscar ayuda).
saferuse-wounds = Cuidado de heridas y venas: lave sus manos y la piel antes, cambie de sitio cada vez y vaya despacio. Si la zona se pone roja, caliente, hinchada o le duele, sale pus o le da fiebre, puede estar infectada: que la vean pronto. Las heridas del tranq pueden salir lejos de donde se inyecta: manténgalas cubiertas y busque ayuda.

# Source: SAMHSA Overdose Prevention and Response Toolkit (2025, PEP23-03-00-001: estimulantes
# mezclados con fentanilo; señales de sobredosis de estimulantes; llamar al 911); National Harm
# Reduction Coalition, "Stimulant Overamping Basics" (harmreduction.org: descanso, agua, comida,
# sueño).
saferuse-stimulants = La meta, la coca y el crack a menudo vienen con fentanilo: lleve naloxona, use tiras de prueba y no use a solas. El exceso puede subirle mucho la temperatura o causar un infarto: haga pausas, tome agua, coma y duerma cuando pueda. Mucho calor, dolor de pecho, palpitaciones fuertes o convulsiones: llame al 911.
