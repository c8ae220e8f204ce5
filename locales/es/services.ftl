### Buscar servicios. Los textos de la lista están en referrals.ftl.

services-ask-kind = ¿Qué busca?
services-kind-naloxone = Naloxona (Narcan)
services-kind-syringe = Jeringas y material nuevo
services-kind-treatment = Tratamiento (metadona, bupe)
services-kind-testing = Prueba de VIH o hepatitis C
services-kind-strips = Tiras de fentanilo
services-kind-any = Lo que haya cerca
services-ask-where = Mande su ZIP (5 cifras) o el nombre de su barrio. Lo guardo solo hasta que termine este chat.
services-where-again = No encontré ese lugar. Mande un ZIP de 5 cifras (como 10001) o el nombre de su barrio.
services-after = ¿Quiere ver otros?
services-after-last = ¿Otro lugar, solo los abiertos ahora u otro tipo? Solo dígamelo.
services-choice-more = Ver otros
services-choice-elsewhere = Otro lugar
services-choice-menu = Otra cosa
