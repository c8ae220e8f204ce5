### Tratamiento a la manera de cada persona: medicamentos para el trastorno por consumo de
### opioides, dejar o bajarle al consumo, sitios de consumo supervisado, alcohol. El tratamiento
### es una opción entre otras, nunca una condición para ayudar; nada de "debería", nada de dosis.
### Datos: content-sources.md, sección 7. Para que los SMS sigan en GSM-7, los textos evitan
### palabras con á, í, ó, ú (é y ñ sí caben).

## Los tres medicamentos

# Source: SAMHSA TIP 63 (metadona agonista completo, buprenorfina agonista parcial, naltrexona
# antagonista); 42 CFR Part 8 (metadona para el trastorno solo en programas certificados);
# Consolidated Appropriations Act, 2023, sección 1262, la MAT Act (sin X-waiver); DEA/HHS, regla
# final 90 FR 6504, 2025-01-17 (empezar buprenorfina por telemedicina, también solo por teléfono);
# etiqueta de Vivitrol de la FDA (sin opioides un mínimo de 7-10 días antes).
treatment-overview = Hay 3 medicamentos para el trastorno por consumo de opioides. Metadona: un opioide completo que se da en programas certificados. Buprenorfina (Suboxone): un opioide parcial que puede recetar cualquier profesional que recete medicamentos controlados, incluso por telemedicina. Naltrexona (Vivitrol): se inyecta una vez al mes y bloquea los opioides; antes hay que estar por lo menos una semana sin opioides.

# Source: National Academies of Sciences, Engineering, and Medicine, Medications for Opioid Use
# Disorder Save Lives (2019); SAMHSA TIP 63 (menos muertes por sobredosis, más personas siguen en
# tratamiento). La decisión es de la persona: principios de la Harm Reduction Coalition.
treatment-saves-lives = La metadona y la buprenorfina bajan el riesgo de morir por sobredosis y ayudan a seguir en tratamiento. Si empieza, y con qué medicamento, lo decide usted.

# Source: SAMHSA TIP 63 (metadona: agonista completo de efecto largo; calma la abstinencia y las
# ganas); 42 CFR Part 8 (solo en programas certificados de tratamiento de opioides, que admiten al
# paciente y pueden dar dosis para llevar); NASEM 2019 (menos muertes por sobredosis).
treatment-methadone = La metadona es un medicamento opioide de efecto largo que calma la abstinencia y las ganas de usar. Para el trastorno por consumo de opioides solo se da en programas certificados de tratamiento de opioides (OTP): se empieza con una primera cita en el programa, y con el tiempo pueden dar dosis para llevar a casa. Baja el riesgo de morir por sobredosis.

# Source: SAMHSA TIP 63 (buprenorfina: agonista parcial; calma la abstinencia y las ganas; si se
# empieza muy pronto después de un agonista completo puede causar abstinencia, y quien la receta
# dice cuándo empezar); NASEM 2019 (menos muertes por sobredosis).
treatment-bupe = La buprenorfina (Suboxone, Sublocade, genéricos) es un opioide parcial: calma la abstinencia y las ganas, y baja el riesgo de morir por sobredosis. Si se empieza muy pronto después de usar fentanilo u otros opioides puede dar una abstinencia de golpe; pregunte a quien se la recete en qué momento tomar la primera dosis.

# Source: Consolidated Appropriations Act, 2023, sección 1262, la MAT Act, y SAMHSA "Waiver
# Elimination" (sin X-waiver; basta un registro de la DEA que incluya la Lista III); DEA/HHS,
# regla final "Expansion of Buprenorphine Treatment via Telemedicine Encounter", 90 FR 6504,
# 2025-01-17 (empezar por telemedicina, también solo por teléfono; en vigor desde 2025-12-31).
treatment-bupe-access = Desde 2023 no hace falta un permiso especial: cualquier profesional que recete medicamentos controlados puede recetar buprenorfina. Se puede empezar por telemedicina, incluso con una llamada de teléfono.

# Source: SAMHSA TIP 63 y la etiqueta de Vivitrol de la FDA (bloquea los opioides; sin opioides un
# mínimo de 7-10 días antes de la primera dosis o causa abstinencia; al dejarla la tolerancia es
# baja y el riesgo de una sobredosis mortal es alto). "Por lo menos una semana" evita la í de
# "días" y no dice menos que la etiqueta.
treatment-naltrexone = La naltrexona (Vivitrol, se inyecta una vez al mes) bloquea el efecto de los opioides. Antes de la primera dosis hay que estar sin usar opioides por lo menos una semana, o le da abstinencia. Al dejarla, la tolerancia queda baja: la cantidad que usaba antes puede causar una sobredosis.

# Not a medical or legal statement: a question.
treatment-offer = ¿Qué le sirve ahora?

## Dejar o bajarle al consumo

# Source: principios de la Harm Reduction Coalition (sin juzgar, sin presionar: decide la
# persona); SAMHSA TIP 63 (los medicamentos calman la abstinencia y las ganas; terapia, apoyo de
# pares y bajar la dosis con supervisión médica son opciones junto a ellos).
treatment-stop = Usted decide, a su ritmo. Opciones: medicamentos (metadona, buprenorfina, naltrexona) que calman la abstinencia y las ganas; terapia con un consejero; apoyo de personas que han pasado por lo mismo; o bajar poco a poco con quien le recete. Puede combinarlas y cambiar de idea.

# Source: Kentucky findnaloxone.ky.gov (naloxona a mano, no usar solo, empezar con poco); SAMHSA
# TIP 63 (la tolerancia baja tras un tiempo sin opioides, y una dosis de antes puede ser mortal).
treatment-stop-safer = Mientras tanto, si usa: tenga naloxona a mano, intente no usar solo y vaya despacio. Después de una pausa o de usar menos, su tolerancia baja: su cantidad de siempre puede causar una sobredosis.

# Not a medical or legal statement: a question.
treatment-offer-stop = ¿Quiere hablarlo con alguien?

## Alcohol

# Source: SAMHSA, Medication for the Treatment of Alcohol Use Disorder: A Brief Guide (2015)
# (naltrexona, acamprosato y disulfiram están aprobados); samhsa.gov/find-help/national-helpline
# (1-800-662-4357: gratis, confidencial, 24/7, inglés y español; referencias e información).
treatment-alcohol = Para el alcohol hay 3 medicamentos aprobados: naltrexona, acamprosato y disulfiram. Funcionan de formas distintas; un doctor o un centro de salud le puede explicar las opciones. Llame a SAMHSA al 1-800-662-4357: gratis, confidencial, 24/7, en inglés y español.

## Sitios de consumo supervisado (centros de prevención de sobredosis)

# Source: [verify] NIDA, "Overdose prevention centers" (nida.nih.gov: people use pre-obtained drugs with
# trained staff who respond to overdoses, plus sterile supplies, testing and links to care);
# onpointnyc.org (OnPoint NYC, the first sanctioned US sites, opened 2021-11-30).
# Whether one is near the person comes from the directory, never from this text.
treatment-opc = Los sitios de consumo supervisado son lugares donde las personas usan drogas que traen, con personal capacitado para responder a una sobredosis. Muchos también dan material nuevo, pruebas y ayuda para buscar tratamiento. En EE. UU. hay muy pocos por ahora.

# Source: onpointnyc.org and health.ri.gov (the few sanctioned US centers: New York City and
# Providence, Rhode Island); CDC, Syringe Services Programs FAQ (cdc.gov/syringe-services-programs:
# sterile supplies, naloxone, testing). Said after the directory found no center near the person.
treatment-opc-none = Como son pocos, una alternativa es un programa de jeringas: material nuevo, naloxona y a veces pruebas.

# Source: Kentucky findnaloxone.ky.gov (alguien con naloxona que no use al mismo tiempo; empezar
# con poco y despacio).
treatment-opc-alone = Donde sea que use, intente no usar solo: esté con alguien que tenga naloxona y no use al mismo tiempo. Empiece con poco y vaya despacio.

## Opciones

treatment-choice-find-methadone = Buscar metadona cerca
treatment-choice-find-bupe = Buscar buprenorfina cerca
treatment-choice-find-treatment = Buscar tratamiento cerca
treatment-choice-find-opc = Buscar uno cerca
treatment-choice-find-syringe = Programas de jeringas cerca
treatment-choice-compare = Comparar los 3 medicamentos
treatment-choice-medications = Sobre los medicamentos
treatment-choice-person = Hablar con una persona
treatment-choice-alone = No usar solo
treatment-choice-safer-use = Usar con menos riesgo
treatment-choice-menu = Otra cosa
