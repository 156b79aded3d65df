/**
 * The words of the API's problems in the languages it speaks. A problem whose text carries values
 * (a name, a limit, a time) is raised as a phrase: a code from `PHRASES` and its parameters, worded
 * from the template of the client's language. Fixed texts are raised in English (the source
 * language of every module) and translated by their exact text on the way out. Machine fields —
 * `type`, `status`, field paths, extensions — never change, so a client can always rely on them
 * whatever language it asked for.
 */

export const LANGUAGES = ['en', 'fr'] as const;
export type Language = (typeof LANGUAGES)[number];

/**
 * The best language of ours for an `Accept-Language` header (RFC 9110 §12.5.4): ranges by
 * descending weight, `fr-CA` matching `fr`, `*` meaning the default; English when nothing fits.
 */
export function preferredLanguage(header: string | string[] | undefined): Language {
  const text = Array.isArray(header) ? header.join(',') : (header ?? '');
  const ranges = text
    .split(',')
    .map((part, order) => {
      const [range, ...params] = part.trim().toLowerCase().split(';');
      const q = params.map((p) => /^\s*q=([0-9.]+)\s*$/.exec(p)?.[1]).find(Boolean);
      return { base: range.split('-')[0], q: q === undefined ? 1 : Number(q), order };
    })
    .filter((r) => r.base && r.q > 0 && !Number.isNaN(r.q))
    .sort((a, b) => b.q - a.q || a.order - b.order);
  for (const { base } of ranges) {
    if (base === '*') return 'en';
    const found = LANGUAGES.find((l) => l === base);
    if (found) return found;
  }
  return 'en';
}

/** French for each problem title (RFC 9110 reason phrases as the API uses them). */
const TITLES_FR: Record<string, string> = {
  'Bad Request': 'Requête invalide',
  Unauthorized: 'Authentification requise',
  Forbidden: 'Action non autorisée',
  'Not Found': 'Introuvable',
  Conflict: 'Conflit',
  'Payload Too Large': 'Contenu trop volumineux',
  'Unsupported Media Type': 'Type de contenu non pris en charge',
  'Unprocessable Entity': 'Demande impossible à traiter',
  'Too Many Requests': 'Trop de requêtes',
  'Internal Server Error': 'Erreur interne du serveur',
  'Service Unavailable': 'Service indisponible',
};

/** French for the fixed texts of problems: field messages and details, exactly as the API writes them. */
const TEXTS_FR: Record<string, string> = {
  // Core
  'unknown field': 'champ inconnu',
  'unknown parameter': 'paramètre inconnu',
  invalid: 'valeur invalide',
  'Authentication required': 'Authentification requise',
  'You are not allowed to do this': 'Vous n’êtes pas autorisé à faire ceci',
  'Invalid, expired or revoked credentials': 'Identifiants invalides, expirés ou révoqués',
  'Your role is read-only': 'Votre rôle est en lecture seule',
  'Change your temporary password first': 'Changez d’abord votre mot de passe temporaire',
  'This account is deactivated': 'Ce compte est désactivé',
  'This credential cannot be used here': 'Ces identifiants ne peuvent pas être utilisés ici',
  'no such record in this organization': 'aucun enregistrement de ce type dans cette organisation',
  'Text contains a character that cannot be stored (NUL)':
    'Le texte contient un caractère qui ne peut pas être enregistré (NUL)',
  'A value has the wrong format or is out of range': 'Une valeur a un mauvais format ou est hors limites',
  'Concurrent update, please retry': 'Modification simultanée : veuillez réessayer',
  'must be an integer id': 'doit être un identifiant entier',
  'must be a UUID': 'doit être un UUID',
  'must be an ISO 8601 date-time with offset': 'doit être une date et heure ISO 8601 avec décalage',
  'must be an IANA time zone such as Europe/Paris':
    'doit être un fuseau horaire IANA, par exemple Europe/Paris',
  'unknown IANA timezone': 'fuseau horaire IANA inconnu',
  'must be a day like 2025-06-01': 'doit être un jour comme 2025-06-01',
  'not a calendar date': 'n’est pas une date du calendrier',
  'out of range': 'hors limites',
  'not a cursor returned by this list': 'n’est pas un curseur renvoyé par cette liste',
  'must be a valid boolean': 'doit être un booléen valide',
  empty: 'vide',
  missing: 'manquant',
  'listed twice': 'présent deux fois',
  'in the future': 'dans le futur',
  'is in the future': 'est dans le futur',
  'must be in the future': 'doit être dans le futur',
  'must be after the start': 'doit être après le début',
  'must be an absolute URL': 'doit être une URL absolue',
  'must be next or previous': 'doit être next ou previous',
  // Accounts and organization
  'is not your current password': 'n’est pas votre mot de passe actuel',
  'must differ from the current password': 'doit être différent du mot de passe actuel',
  'is not a member of this organization': 'n’est pas membre de cette organisation',
  'lowercase letters, digits and dashes, 1-63 characters':
    'lettres minuscules, chiffres et tirets, de 1 à 63 caractères',
  'owners are Admin': 'les propriétaires sont Admin',
  'at least one unit': 'au moins une unité',
  'already exists in this unit': 'existe déjà dans cette unité',
  'already exists': 'existe déjà',
  'already in use': 'déjà utilisé',
  'already registered': 'déjà enregistré',
  'already taken': 'déjà pris',
  'already used': 'déjà utilisé',
  'no such unit': 'unité inexistante',
  'no such section': 'section inexistante',
  // Events
  'already assigned in this event': 'a déjà un rôle dans cet événement',
  'already used in this event': 'déjà utilisé dans cet événement',
  'assign the event role first': 'attribuez d’abord le rôle dans l’événement',
  'outside the event': 'en dehors des dates de l’événement',
  'overlaps another session in this room': 'chevauche une autre session dans cette salle',
  'overlaps another room slot of this user': 'chevauche un autre créneau de salle de cette personne',
  'capacity below occupancy': 'capacité inférieure au nombre de personnes présentes',
  'no such room in this event': 'aucune salle de ce type dans cet événement',
  'no such participant in this event': 'aucun participant de ce type dans cet événement',
  'a conference has no price': 'une conférence n’a pas de prix',
  'a conference is free for every participant': 'une conférence est gratuite pour chaque participant',
  'a free atelier has no price (set is_paid)': 'un atelier gratuit n’a pas de prix (indiquez is_paid)',
  'a paid atelier needs a price above 0': 'un atelier payant demande un prix supérieur à 0',
  'unknown payment status': 'statut de paiement inconnu',
  'an exposant cannot scan their own badge': 'un exposant ne peut pas scanner son propre badge',
  'not an exposant': 'n’est pas un exposant',
  'not an authentic badge': 'n’est pas un badge authentique',
  'badge of another event': 'badge d’un autre événement',
  'unknown badge': 'badge inconnu',
  'a forced entry needs a reason': 'une entrée forcée demande un motif',
  'a forced entry goes in': 'une entrée forcée fait entrer',
  'only with force: true': 'seulement avec force: true',
  'give the QR payload or the badge_id, one of them': 'donnez le contenu du QR ou le badge_id, l’un des deux',
  'must be an amount like 25.00': 'doit être un montant comme 25.00',
  'the file is empty': 'le fichier est vide',
  'in the future: check the device clock': 'dans le futur : vérifiez l’horloge de l’appareil',
  'a refusal says why': 'un refus indique pourquoi',
  'sent twice in this upload': 'envoyé deux fois dans cet envoi',
  'the room to let the badge into': 'la salle où faire entrer le badge',
  // Monitoring
  'not a discovered receiver id': 'n’est pas un identifiant de récepteur découvert',
  'performer is inactive': 'l’intervenant est inactif',
  'not an active assignment of this group': 'n’est pas une affectation active de ce groupe',
  'must be below battery_warning_percent': 'doit être inférieur à battery_warning_percent',
  'give assignment_ids or monitoring_group_id': 'donnez assignment_ids ou monitoring_group_id',
  'give exactly one of monitoring_group_id and location_id':
    'donnez exactement un de monitoring_group_id et location_id',
  'give alert_enabled or at least one alert_on_* toggle':
    'donnez alert_enabled ou au moins une option alert_on_*',
  // Signage and files
  'asset not found': 'contenu introuvable',
  'playlist not found': 'liste de lecture introuvable',
  'screen not found': 'écran introuvable',
  'duplicate asset': 'contenu en double',
  'an asset is listed twice': 'un contenu est présent deux fois',
  'must be an image asset': 'doit être un contenu image',
  'must be image, video, webpage or streaming': 'doit être image, video, webpage ou streaming',
  'this asset is a link, not an uploaded file': 'ce contenu est un lien, pas un fichier envoyé',
  'name at least one screen, or omit it': 'nommez au moins un écran, ou omettez ce champ',
  'empty file': 'fichier vide',
  'unrecognised content': 'contenu non reconnu',
  'a file part is required': 'une partie fichier est requise',
  'No file uploaded.': 'Aucun fichier envoyé.',
  'an uploaded file is an image or a video': 'un fichier envoyé est une image ou une vidéo',
  'must be an integer between 1 and 100000': 'doit être un entier entre 1 et 100000',
  'Unknown asset': 'Contenu inconnu',
  'Unknown assets': 'Contenus inconnus',
  'An asset is listed twice': 'Un contenu est présent deux fois',
  'Unknown screens': 'Écrans inconnus',
  'Unknown screen groups': 'Groupes d’écrans inconnus',
  'screen group not found': 'groupe d’écrans introuvable',
  'name at least one group, or omit it': 'nommez au moins un groupe, ou omettez ce champ',
  'No backup file uploaded.': 'Aucun fichier de sauvegarde envoyé.',
  'Incorrect file extension.': 'Extension de fichier incorrecte.',
  'The backup exceeds the upload limit': 'La sauvegarde dépasse la limite d’envoi',
  'no upload with this uri: send the file to /api/v2/file_asset':
    'aucun envoi avec cette uri : envoyez le fichier à /api/v2/file_asset',
  'file paths of a player are not accepted: upload the file with POST /api/v2/file_asset first':
    'les chemins de fichiers d’un lecteur ne sont pas acceptés : envoyez d’abord le fichier avec POST /api/v2/file_asset',
  'Roster authenticates with org API keys: only "" is accepted':
    'Roster s’authentifie avec les clés d’API de l’organisation : seul "" est accepté',
  'is set by the server for uploaded files': 'est fixé par le serveur pour les fichiers envoyés',
  'Expected multipart/form-data with a `file` part': 'multipart/form-data attendu, avec une partie `file`',
  'must be a date-time like 2025-01-31T08:00:00 (local) or with an offset':
    'doit être une date et heure comme 2025-01-31T08:00:00 (locale) ou avec un décalage',
  'a schedule targets one screen or one group, not both':
    'une programmation vise un écran ou un groupe, pas les deux',
  'must be on or after starts_on': 'doit être le même jour que starts_on ou après',
  'not a command of this screen': 'n’est pas une commande de cet écran',
  'not a screenshot command': 'n’est pas une commande de capture d’écran',
  'Only a screen may call this': 'Seul un écran peut appeler ceci',
  'must be a valid integer': 'doit être un entier valide',
  'is not a valid choice (0, 90, 180, 270)': 'n’est pas un choix valide (0, 90, 180, 270)',
  'expected HH:MM': 'HH:MM attendu',
  'expected weekdays 1-7, comma separated': 'jours de la semaine 1-7 attendus, séparés par des virgules',
  'must be a date like 2025-01-31': 'doit être une date comme 2025-01-31',
  'must be a time like 08:30 (00:00–24:00)': 'doit être une heure comme 08:30 (00:00–24:00)',
  'the window is empty: from and until are the same time':
    'la plage est vide : from et until sont à la même heure',
  'a weekday is listed twice': 'un jour de la semaine est présent deux fois',
  'names nothing the archive holds': 'ne désigne rien de ce que contient l’archive',
  'choose at least one weekday': 'choisissez au moins un jour de la semaine',
  'weekdays are 1 (Monday) to 7 (Sunday)': 'les jours de la semaine vont de 1 (lundi) à 7 (dimanche)',
  'a window starts at 23:59 at the latest': 'une plage commence au plus tard à 23:59',
  'at most 28 windows': 'au plus 28 plages',
  'must be a MAC address like 00:11:22:33:44:55': 'doit être une adresse MAC comme 00:11:22:33:44:55',
  'must be a colour like #b00020': 'doit être une couleur comme #b00020',
  // Billing (the provider's webhook)
  'The body is not JSON': 'Le corps n’est pas du JSON',
  'Not a Stripe event': 'Ce n’est pas un événement Stripe',
  'Missing Stripe-Signature header': 'En-tête Stripe-Signature manquant',
  'Malformed Stripe-Signature header (expected t=…,v1=…)':
    'En-tête Stripe-Signature mal formé (t=…,v1=… attendu)',
  'Stripe signature does not match': 'La signature Stripe ne correspond pas',
  'The subscription is not linked to an organization (set metadata.org_id on the Stripe subscription)':
    'L’abonnement n’est lié à aucune organisation (indiquez metadata.org_id sur l’abonnement Stripe)',
  "The subscription names no plan (metadata.plan or the price's lookup_key)":
    'L’abonnement ne nomme aucun forfait (metadata.plan ou le lookup_key du prix)',
  'The subscription belongs to another organization': 'L’abonnement appartient à une autre organisation',
  'The event names no subscription': 'L’événement ne nomme aucun abonnement',
  // Files, uploads and archives
  'Invalid file key': 'Clé de fichier invalide',
  'File exceeds the upload limit': 'Le fichier dépasse la limite d’envoi',
  'The file is empty': 'Le fichier est vide',
  'No file in the upload': 'Aucun fichier dans l’envoi',
  'it is not gzip-compressed, or too large once uncompressed':
    'il n’est pas compressé avec gzip, ou il est trop volumineux une fois décompressé',
  'an entry runs past the end': 'une entrée dépasse la fin',
  file: 'le fichier',
  photo: 'la photo',
  screenshot: 'la capture d’écran',
  PDF: 'le PDF',
  // Core and access
  'Unexpected error': 'Erreur inattendue',
  'Cross-site request refused': 'Requête intersite refusée',
  'Metrics require the METRICS_TOKEN bearer token': 'Les métriques demandent le jeton METRICS_TOKEN',
  'You may ask only about your own access': 'Vous ne pouvez demander que votre propre accès',
  'give a user, an object (<kind>:<id>), or both': 'donnez une personne, un objet (<type>:<id>), ou les deux',
  // Outbound connections: why an address is refused
  'not an IP address': 'pas une adresse IP',
  'an unspecified address': 'une adresse non spécifiée',
  'a private address': 'une adresse privée',
  'a shared (carrier-grade NAT) address': 'une adresse partagée (NAT d’opérateur)',
  'a loopback address': 'une adresse de bouclage',
  'a link-local address': 'une adresse lien-local',
  'a protocol-assignment address': 'une adresse réservée aux protocoles',
  'a benchmarking address': 'une adresse de banc d’essai',
  'a multicast address': 'une adresse multicast',
  'a reserved or broadcast address': 'une adresse réservée ou de diffusion',
  'an IPv4-compatible address': 'une adresse compatible IPv4',
  'a private (unique local) address': 'une adresse privée (locale unique)',
  'a site-local address': 'une adresse site-local',
  // Identity
  'Wrong username or password': 'Nom d’utilisateur ou mot de passe incorrect',
  'Too many login attempts; try again later': 'Trop de tentatives de connexion ; réessayez plus tard',
  'You are not a member of any active organization': 'Vous n’êtes membre d’aucune organisation active',
  'Only a login session can switch organization':
    'Seule une session de connexion peut changer d’organisation',
  'Only a user can change a password': 'Seule une personne peut changer un mot de passe',
  'An API key cannot have a role above that of its creator':
    'Une clé d’API ne peut pas avoir un rôle supérieur à celui de son créateur',
  'Too many invalid API keys from this address': 'Trop de clés d’API invalides depuis cette adresse',
  'Only a logged-in user can answer': 'Seule une personne connectée peut répondre',
  'You are already a member of this organization': 'Vous êtes déjà membre de cette organisation',
  'Only owners may make someone an owner': 'Seuls les propriétaires peuvent nommer un propriétaire',
  'Only owners may demote, deactivate or remove an owner':
    'Seuls les propriétaires peuvent rétrograder, désactiver ou retirer un propriétaire',
  'This account is managed by another organization': 'Ce compte est géré par une autre organisation',
  'Only the user and the organization’s admins may change a username, email or name':
    'Seuls la personne et les administrateurs de l’organisation peuvent ' +
    'modifier un nom d’utilisateur, une adresse e-mail ou un nom',
  'The organization must keep at least one active owner':
    'L’organisation doit garder au moins un propriétaire actif',
  // Org
  'Only a person has a profile': 'Seule une personne a un profil',
  'Only Admins may create units': 'Seuls les Admins peuvent créer des unités',
  'Only Admins may create sections': 'Seuls les Admins peuvent créer des sections',
  'Only Admins may give the Admin role': 'Seuls les Admins peuvent donner le rôle Admin',
  'You may only set a unit you are assigned to (body.unit)':
    'Vous ne pouvez indiquer qu’une unité à laquelle vous êtes affecté (body.unit)',
  'Only Admins and Unit Heads may create users':
    'Seuls les Admins et les Unit Heads peuvent créer des utilisateurs',
  'A Unit Head must assign the new user to at least one of their units':
    'Un Unit Head doit affecter le nouvel utilisateur à au moins une de ses unités',
  'not a department of this unit': 'n’est pas un département de cette unité',
  // Monitoring
  'Only a display link may call this': 'Seul un lien d’affichage peut appeler ceci',
  'This display link was revoked': 'Ce lien d’affichage a été révoqué',
  'Another location has this building and room': 'Un autre lieu a ce bâtiment et cette salle',
  // Events
  'Announcements are published by a user, not an API key or job':
    'Les annonces sont publiées par une personne, pas par une clé d’API ni une tâche',
  'Only exposants of the event scan visitors': 'Seuls les exposants de l’événement scannent des visiteurs',
  'This badge is no longer valid': 'Ce badge n’est plus valide',
  'Only the exposant or the event managers upload a stand plan':
    'Seuls l’exposant et les gestionnaires de l’événement envoient un plan de stand',
  'Only exposants have a stand plan': 'Seuls les exposants ont un plan de stand',
  'The offline kit is for a controller holding a room of this event now':
    'Le kit hors ligne est destiné à un contrôleur qui tient une salle de cet événement en ce moment',
  'This user already has a badge for this event': 'Cette personne a déjà un badge pour cet événement',
  'Forged, altered or unreadable badge': 'Badge falsifié, modifié ou illisible',
  'This badge belongs to another event': 'Ce badge appartient à un autre événement',
  'Only the event managers and the gestionnaire holding this room now may force an entry':
    'Seuls les gestionnaires de l’événement et le gestionnaire des ' +
    'salles qui tient cette salle en ce moment peuvent forcer une entrée',
  'You hold no room now: statistics are those of the room you hold':
    'Vous ne tenez aucune salle en ce moment : les statistiques sont celles de la salle que vous tenez',
  'Statistics of a room are for the controller holding it now and the event managers':
    'Les statistiques d’une salle sont pour le contrôleur qui la tient en ce moment et les gestionnaires de l’événement',
  'Only paid ateliers need access; conferences and free ateliers are open to every participant':
    'Seuls les ateliers payants demandent un accès ; les conférences et les ateliers gratuits sont ouverts à chaque participant',
  'Only participants of the event ask questions':
    'Seuls les participants de l’événement posent des questions',
  'This paid atelier needs paid access before you can ask a question':
    'Cet atelier payant demande un accès payé avant de poser une question',
  'An answer cannot be empty': 'Une réponse ne peut pas être vide',
  'The header must name a full_name column (or username for org members)':
    'L’en-tête doit nommer une colonne full_name (ou username pour les membres de l’organisation)',
  'line 1: no full_name column': 'ligne 1 : pas de colonne full_name',
  'The file has no rows under its header': 'Le fichier n’a aucune ligne sous son en-tête',
  'a header line and at least one row are needed':
    'une ligne d’en-tête et au moins une ligne sont nécessaires',
  'Sessions would fall outside the new event dates; move them first':
    'Des sessions tomberaient en dehors des nouvelles dates de l’événement ; déplacez-les d’abord',
};

/** Words zod uses for the types it expected, in French ("expected" agreeing with each). */
const TYPES_FR: Record<string, string> = {
  string: 'un texte est attendu',
  number: 'un nombre est attendu',
  int: 'un nombre entier est attendu',
  bigint: 'un nombre entier est attendu',
  boolean: 'un booléen est attendu',
  array: 'une liste est attendue',
  object: 'un objet est attendu',
  date: 'une date est attendue',
  nan: 'NaN est attendu',
};

const expectedFr = (word: string) => TYPES_FR[word] ?? `${word} est attendu`;

/** The things a `… not found` detail names, in French. */
const ENTITIES_FR: Record<string, string> = {
  resource: 'Ressource',
  user: 'Utilisateur',
  member: 'Membre',
  organization: 'Organisation',
  invitation: 'Invitation',
  'api key': 'Clé d’API',
  event: 'Événement',
  room: 'Salle',
  session: 'Session',
  participant: 'Participant',
  exposant: 'Exposant',
  badge: 'Badge',
  visit: 'Visite',
  question: 'Question',
  announcement: 'Annonce',
  unit: 'Unité',
  department: 'Département',
  section: 'Section',
  performer: 'Intervenant',
  device: 'Appareil',
  command: 'Commande',
  photo: 'Photo',
  asset: 'Contenu',
  playlist: 'Liste de lecture',
  screen: 'Écran',
  pairing: 'Appairage',
  'pairing code': 'Code d’appairage',
  'display link': 'Lien d’affichage',
  'emergency message': 'Message d’urgence',
  'stand plan': 'Plan de stand',
  subscription: 'Abonnement',
  programme: 'Programme',
  guide: 'Guide',
  'monitoring group': 'Groupe de suivi',
  'wireless unit': 'Micro HF',
  chassis: 'Châssis',
  assignment: 'Affectation',
  location: 'Lieu',
  alert: 'Alerte',
  'discovered receiver': 'Récepteur découvert',
  schedule: 'Programmation',
  'screen group': 'Groupe d’écrans',
  'screen in this group': 'Écran de ce groupe',
  'asset in this playlist': 'Contenu de cette liste de lecture',
  screenshot: 'Capture d’écran',
  backup: 'Sauvegarde',
  'demo file': 'Fichier de démonstration',
  scan: 'Passage',
  'room assignment': 'Créneau de salle',
  annonce: 'Annonce',
  'stage link': 'Lien vers la scène',
  'screen link': 'Lien vers l’écran',
  'event unit': 'Unité de l’événement',
  'room panel': 'Panneau de salle',
};

/**
 * What a policy lets someone do, as the verb of `You may not {action} this {entity}` (the API's own
 * action names, which English shows as they are).
 */
const ACTIONS_FR: Record<string, string> = {
  see: 'voir',
  manage: 'gérer',
  edit: 'modifier',
  remove: 'supprimer',
  assign: 'affecter',
  acknowledge: 'acquitter',
  answer: 'répondre à',
  scan: 'scanner les badges de',
  announce: 'publier des annonces dans',
  supervise: 'superviser les entrées de',
  schedule: 'programmer des sessions dans',
  empty: 'vider',
  checkIn: 'enregistrer l’entrée de',
  manageDepartments: 'gérer les départements de',
};

/** The things policies guard, with the French demonstrative their gender asks for ("this room"). */
const THIS_FR: Record<string, string> = {
  user: 'cet utilisateur',
  member: 'ce membre',
  unit: 'cette unité',
  department: 'ce département',
  section: 'cette section',
  event: 'cet événement',
  room: 'cette salle',
  session: 'cette session',
  participant: 'ce participant',
  scan: 'ce passage',
  'room assignment': 'ce créneau de salle',
  assignment: 'cette affectation',
  annonce: 'cette annonce',
  question: 'cette question',
  visit: 'cette visite',
  'monitoring group': 'ce groupe de suivi',
  performer: 'cet artiste',
  'wireless unit': 'ce micro HF',
  chassis: 'ce châssis',
  location: 'ce lieu',
  alert: 'cette alerte',
  asset: 'ce contenu',
  playlist: 'cette liste de lecture',
  device: 'cet écran',
  'screen group': 'ce groupe d’écrans',
  schedule: 'cette programmation',
};

/** What only organization admins may do (`requireOrgAdmin`), worded after "peuvent". */
const ADMIN_TASKS_FR: Record<string, string> = {
  'do this': 'faire ceci',
  'see API keys': 'voir les clés d’API',
  'create API keys': 'créer des clés d’API',
  'revoke API keys': 'révoquer des clés d’API',
  'change the organization': 'modifier l’organisation',
  'list the members': 'lister les membres',
  'invite members': 'inviter des membres',
  'see invitations': 'voir les invitations',
  'revoke invitations': 'révoquer des invitations',
  'change members': 'modifier les membres',
  'remove members': 'retirer des membres',
  'read the audit log': 'lire le journal d’audit',
  'read monitoring settings': 'lire les réglages du suivi',
  'change monitoring settings': 'modifier les réglages du suivi',
  'create monitoring groups': 'créer des groupes de suivi',
  'create locations': 'créer des lieux',
  'create chassis': 'créer des châssis',
  'create wireless units': 'créer des micros HF',
  'create performers': 'créer des artistes',
  'create display links': 'créer des liens d’affichage',
  'manage display links': 'gérer les liens d’affichage',
  'list display links': 'lister les liens d’affichage',
  'see discovered receivers': 'voir les récepteurs découverts',
  'add discovered receivers': 'ajouter des récepteurs découverts',
  'read legacy device assignments': 'lire les anciennes affectations d’appareils',
  'migrate legacy assignments': 'migrer les anciennes affectations',
  'see usage': 'voir la consommation',
  'download signage backups': 'télécharger les sauvegardes de l’affichage',
  'recover signage': 'restaurer l’affichage',
  'read play reports': 'lire les rapports de diffusion',
  'add screens': 'ajouter des écrans',
  'manage screen groups': 'gérer les groupes d’écrans',
  'schedule screens': 'programmer les écrans',
  'ask who reaches an object': 'demander qui atteint un objet',
  'export the audit log': 'exporter le journal d’audit',
  'change player settings': 'modifier les réglages du lecteur',
  'back up signage': 'sauvegarder l’affichage',
  'see the subscription': 'voir l’abonnement',
  'send commands to screens': 'envoyer des commandes aux écrans',
  'set emergency messages': 'diffuser des messages d’urgence',
  'clear emergency messages': 'retirer les messages d’urgence',
  'see signage permissions': 'voir les droits de l’affichage',
  'change signage permissions': 'modifier les droits de l’affichage',
  'see plan usage': 'voir la consommation du forfait',
  'link rooms to stages': 'lier des salles à des scènes',
  'link rooms to screens': 'lier des salles à des écrans',
  'read the venue links': 'lire les liens du lieu',
  'tie events to org units': 'rattacher des événements aux unités de l’organisation',
};

/** The vocabularies above, for the test that checks every policy and admin task has its words. */
export const problemVocabulary = () => ({
  actions: Object.keys(ACTIONS_FR),
  things: Object.keys(THIS_FR),
  adminTasks: Object.keys(ADMIN_TASKS_FR),
  entities: Object.keys(ENTITIES_FR),
});

/**
 * Texts that carry values (a limit, a field name, a type): the validator's English shapes and the
 * services' parameterised messages, each with its French. Tried in order, first match wins.
 */
const PATTERNS_FR: Array<[RegExp, (...groups: string[]) => string | undefined]> = [
  [/^Too small: expected string to have >=1 characters$/, () => 'obligatoire'],
  [
    /^Too small: expected string to have >(=?)(\d+) characters$/,
    (eq, n) => `au moins ${more(eq, n)} caractères`,
  ],
  [
    /^Too big: expected string to have <(=?)(\d+) characters$/,
    (eq, n) => `au plus ${less(eq, n)} caractères`,
  ],
  [/^Too small: expected array to have >(=?)(\d+) items$/, (eq, n) => `au moins ${more(eq, n)} élément(s)`],
  [/^Too big: expected array to have <(=?)(\d+) items$/, (eq, n) => `au plus ${less(eq, n)} élément(s)`],
  [/^Too small: expected \w+ to be >=(-?[\d.e+]+)$/, (n) => `doit être supérieur ou égal à ${n}`],
  [/^Too small: expected \w+ to be >(-?[\d.e+]+)$/, (n) => `doit être supérieur à ${n}`],
  [/^Too big: expected \w+ to be <=(-?[\d.e+]+)$/, (n) => `doit être inférieur ou égal à ${n}`],
  [/^Too big: expected \w+ to be <(-?[\d.e+]+)$/, (n) => `doit être inférieur à ${n}`],
  [/^Invalid input: expected \w+, received (undefined|null)$/, () => 'obligatoire'],
  [/^Invalid input: expected (\w+), received (\w+)$/, (want) => expectedFr(want)],
  [/^Invalid input: expected (\w+)$/, (want) => expectedFr(want)],
  [/^Invalid input: expected (".*")$/, (value) => `la valeur ${value} est attendue`],
  [
    /^Invalid discriminator value\. Expected (.+)$/,
    (values) => `choix invalide : une valeur parmi ${values}`,
  ],
  [
    /^Too (?:small|big): expected string to have exactly (\d+) characters$/,
    (n) => `exactement ${n} caractères`,
  ],
  [
    /^Too (?:small|big): expected (?:array|set) to have exactly (\d+) items$/,
    (n) => `exactement ${n} élément(s)`,
  ],
  [/^Too small: expected set to have >(=?)(\d+) items$/, (eq, n) => `au moins ${more(eq, n)} élément(s)`],
  [/^Too big: expected set to have <(=?)(\d+) items$/, (eq, n) => `au plus ${less(eq, n)} élément(s)`],
  [/^Invalid number: must be a multiple of (.+)$/, (n) => `doit être un multiple de ${n}`],
  [/^Invalid string: must start with (.+)$/, (v) => `doit commencer par ${v}`],
  [/^Invalid string: must end with (.+)$/, (v) => `doit finir par ${v}`],
  [/^Invalid string: must include (.+)$/, (v) => `doit contenir ${v}`],
  [/^Invalid ISO time$/, () => 'doit être une heure ISO 8601'],
  [/^Invalid IPv([46]) address$/, (v) => `adresse IPv${v} invalide`],
  [/^Invalid IPv([46]) range$/, (v) => `plage IPv${v} invalide`],
  [/^Invalid input$/, () => 'valeur invalide'],
  [/^Invalid ISO datetime$/, () => 'doit être une date et heure ISO 8601'],
  [/^Invalid ISO date$/, () => 'doit être une date ISO 8601'],
  [/^Invalid email address$/, () => 'adresse e-mail invalide'],
  [/^Invalid URL$/, () => 'URL invalide'],
  [/^Invalid UUID$/, () => 'UUID invalide'],
  [/^Invalid ([\w.\s-]+?)(?:-encoded string| address| number)?$/, (format) => namedFormatFr(format)],
  [/^Invalid string: must match pattern .*$/, () => 'format invalide'],
  [/^Invalid option: expected one of (.+)$/, (values) => `choix invalide : une valeur parmi ${values}`],
  [/^Unrecognized keys?: (.+)$/, (keys) => `champ inconnu : ${keys}`],
  [/^must be after (\w+)$/, (field) => `doit être après ${field}`],
  [/^must not be before (\w+)$/, (field) => `ne doit pas être avant ${field}`],
  [/^Only organization admins may (.+)$/, (task) => admins(ADMIN_TASKS_FR[task])],
  [/^You may not (\w+) this (.+)$/, (action, thing) => mayNot(ACTIONS_FR[action], THIS_FR[thing])],
  [/^(.+) not found$/, (what) => `${ENTITIES_FR[what.toLowerCase()] ?? what} introuvable`],
];

/** The validator's other string formats (`Invalid hex`, `Invalid E.164 number`, …), by name. */
const FORMATS_FR: Record<string, string> = {
  hex: 'doit être en hexadécimal',
  'E.164': 'numéro de téléphone invalide (format international, ex. +33612345678)',
  base64: 'doit être encodé en base64',
  base64url: 'doit être encodé en base64url',
  MAC: 'adresse MAC invalide',
  hostname: 'nom d’hôte invalide',
  JWT: 'jeton JWT invalide',
  'ISO duration': 'doit être une durée ISO 8601',
  cuid: 'identifiant cuid invalide',
  cuid2: 'identifiant cuid2 invalide',
  ULID: 'identifiant ULID invalide',
  nanoid: 'identifiant nanoid invalide',
  emoji: 'doit être un emoji',
  lowercase: 'doit être en minuscules',
  uppercase: 'doit être en majuscules',
};
const namedFormatFr = (format: string) =>
  FORMATS_FR[format] ?? (/^\w+_hex$/.test(format) ? 'empreinte hexadécimale invalide' : undefined);

/** Worded only when the vocabulary knows the words; otherwise the English stays (and its test fails). */
const admins = (task?: string) => task && `Seuls les administrateurs de l’organisation peuvent ${task}`;
const mayNot = (action?: string, thing?: string) =>
  action && thing && `Vous ne pouvez pas ${action} ${thing}`;

/** `>5` on integers reads `at least 6`; `>=5` reads `at least 5`. */
const more = (eq: string, n: string) => (eq ? n : String(Number(n) + 1));
const less = (eq: string, n: string) => (eq ? n : String(Number(n) - 1));

/** One text in `lang`: the exact catalogue entry, else a matching pattern, else the English as written. */
export function problemText(text: string, lang: Language): string {
  if (lang === 'en') return text;
  const exact = TITLES_FR[text] ?? TEXTS_FR[text];
  if (exact) return exact;
  for (const [re, make] of PATTERNS_FR) {
    const m = re.exec(text);
    const worded = m && make(...m.slice(1));
    if (worded) return worded;
  }
  return text;
}

/**
 * Problem texts that carry values, by code: `{name}` is a parameter; `{name:local}` writes a time as
 * a date and time on its own clock, `{name:zone}` names that clock (a person reads a clash in the
 * event's time, never in UTC). Every language uses the same parameters (no value is lost in
 * translation).
 */
const PHRASES_EN = {
  field: '{path}: {message}',
  // Core
  'db.unique': 'Already exists ({constraint})',
  'db.reference': 'Refers to something that does not exist ({constraint})',
  'db.check': 'Refused by a business rule ({constraint})',
  'db.exclusion': 'Overlaps an existing entry ({constraint})',
  'http.noRoute': 'No route {method} {url}',
  'file.tooBig': 'File exceeds the {kib} KiB limit',
  'file.notAccepted': 'The file content is not an accepted type ({accepted})',
  'file.contentIs': 'content is {type}',
  'file.typeNotAccepted': 'type {type} is not accepted ({accepted})',
  'access.oneOf': 'one of {kinds}',
  'access.object': 'expected <kind>:<id>, kind one of {kinds}',
  'upload.send': 'Send the {what} as multipart/form-data with a field named "file"',
  'archive.invalid': 'Not a .tar.gz archive: {reason}',
  // Accounts and organization
  'password.tooShort': 'must be at least {min} characters',
  'session.notMemberOf': 'You are not a member of organization "{org}"',
  'org.slugTaken': 'An organization with slug "{slug}" already exists',
  'user.usernameTaken': 'Username "{username}" is already taken',
  'user.emailTaken': 'Email "{email}" is already in use',
  'user.alreadyMember': '{who} is already a member of this organization',
  'user.notMember': 'user {user} is not a member of this organization',
  'user.ownerIsAdmin': '{username} owns the organization and is therefore Admin; change the membership first',
  'user.unitNotHeld':
    'You may only change assignments to units you are assigned to; {unit} is not one of them ({path})',
  'unit.codeUsed': 'Unit code "{code}" is already used',
  'unit.assignedTwice': 'this unit is already assigned at {path}',
  'unit.notDepartmentOf': 'not a department of {unit}',
  'unit.departmentExists': 'The unit already has a department "{name}"',
  'section.exists': 'A section "{name}" already exists',
  // Events
  'event.roleHeld': 'This user already holds the role {role} in this event',
  'event.roleMissing': 'This user does not hold the role {role} in this event',
  'event.notMemberInvite':
    '{who} is not a member of this organization; only its admins invite new people (then give the role here)',
  'room.nameTaken': 'A room named "{name}" already exists in this event',
  'room.capacityBelowOccupancy': 'Capacity {capacity} is below the current occupancy {occupancy}',
  'session.outsideEvent':
    'The session must take place within the event ({start:local} – {end:local}, {start:zone} time)',
  'session.roomTaken': 'The room is taken by "{title}" ({start:local} – {end:local}, {start:zone} time)',
  'roomSlot.userBusy': 'This user already holds a room from {start:local} to {end:local} ({start:zone} time)',
  'import.unknownColumn': 'Unknown column "{column}": the columns are {columns}',
  'import.unknownColumnField': 'line 1: unknown column "{column}"',
  'import.columnTwice': 'The column {column} appears twice',
  'import.columnTwiceField': 'line 1: column {column} appears twice',
  'import.notCsv': 'The file is not valid CSV: {reason}',
  'import.tooManyRows': 'At most {max} rows per file (this one has {rows})',
  'import.tooManyRowsField': 'more than {max} rows',
  'import.rowsInError': '{rows} row(s) of the file are in error: nothing was imported',
  // Monitoring
  'performer.inactive': 'Performer {performer} is inactive and cannot be assigned',
  'performer.alreadyAssigned':
    'Performer {performer} is already assigned to unit {unit}: reuse that assignment or delete it first',
  'performer.alreadyAssignedField': '{performer} is already assigned to this unit',
  'performer.onUnit': 'Performer {performer} is already assigned to unit {unit}',
  'group.nameTaken': 'A monitoring group named {name} already exists',
  'location.exists': 'A location {building} / {room} already exists',
  'chassis.serialTaken': 'A chassis with serial {serial} already exists',
  'chassis.slotTaken': 'Slot {slot} of chassis {chassis} is already taken',
  'chassis.slotTakenHere': 'Slot {slot} of this chassis is already taken',
  'receiver.unreachable':
    "{ip} is {range}, which the server does not connect to; a receiver on the venue's " +
    'network needs the operator to allow that network (OUTBOUND_ALLOW_NETWORKS)',
  'alert.already': 'This alert is already {state}',
  'board.cannotHold': 'The board of {group} cannot hold these slots',
  'receiver.taken': 'This receiver is already chassis {chassis}',
  'battery.levels': 'battery_critical_percent ({critical}) must be below battery_warning_percent ({warning})',
  // Signage
  'asset.scheme': 'must use {schemes} for a {type} asset',
  'plan.limit': 'Plan limit reached: {limit} is {max} ({what})',
  'plan.limitField': 'limit of {max} reached',
  'plan.usedMembers': '{count} active members; remove members or upgrade',
  'plan.usedAssets': '{count} assets stored',
  'plan.usedBytes': '{count} bytes stored',
  'plan.usedScreens': '{count} screens claimed',
  'billing.stale':
    'Stripe signature timestamp is outside the {seconds} s tolerance (replayed or delayed event)',
  'billing.unknownPlan': 'Unknown plan "{plan}" (expected {plans})',
  'plan.rate': "This organization's plan allows {limit} API requests per minute; retry in {seconds} s",
  'backup.lacksFile': 'The archive lacks the file of asset "{asset}"',
  'backup.noManifest': 'The archive has no {file}: not a Roster signage backup',
  'backup.notJson': '{file} is not JSON',
  'backup.invalid': '{file} is not a valid backup',
} as const;

export type PhraseCode = keyof typeof PHRASES_EN;

/** The same texts in French (typed from the English: a code missing here does not compile). */
const PHRASES_FR: Record<PhraseCode, string> = {
  field: '{path} : {message}',
  'db.unique': 'Existe déjà ({constraint})',
  'db.reference': 'Fait référence à un élément inexistant ({constraint})',
  'db.check': 'Refusé par une règle métier ({constraint})',
  'db.exclusion': 'Chevauche une entrée existante ({constraint})',
  'http.noRoute': 'Aucune route {method} {url}',
  'file.tooBig': 'Le fichier dépasse la limite de {kib} Kio',
  'file.notAccepted': 'Le contenu du fichier n’est pas d’un type accepté ({accepted})',
  'file.contentIs': 'le contenu est {type}',
  'file.typeNotAccepted': 'le type {type} n’est pas accepté ({accepted})',
  'access.oneOf': 'une valeur parmi {kinds}',
  'access.object': '<type>:<id> est attendu, type parmi {kinds}',
  'upload.send': 'Envoyez {what} en multipart/form-data dans un champ nommé « file »',
  'archive.invalid': 'Ce n’est pas une archive .tar.gz : {reason}',
  'password.tooShort': 'doit contenir au moins {min} caractères',
  'session.notMemberOf': 'Vous n’êtes pas membre de l’organisation « {org} »',
  'org.slugTaken': 'Une organisation avec l’identifiant « {slug} » existe déjà',
  'user.usernameTaken': 'Le nom d’utilisateur « {username} » est déjà pris',
  'user.emailTaken': 'L’adresse e-mail « {email} » est déjà utilisée',
  'user.alreadyMember': '{who} est déjà membre de cette organisation',
  'user.notMember': 'l’utilisateur {user} n’est pas membre de cette organisation',
  'user.ownerIsAdmin':
    '{username} est propriétaire de l’organisation, donc Admin ; modifiez d’abord son adhésion',
  'user.unitNotHeld':
    'Vous ne pouvez modifier que les affectations aux unités qui vous sont affectées ; {unit} n’en fait pas partie ({path})',
  'unit.codeUsed': 'Le code d’unité « {code} » est déjà utilisé',
  'unit.assignedTwice': 'cette unité est déjà affectée en {path}',
  'unit.notDepartmentOf': 'n’est pas un département de {unit}',
  'unit.departmentExists': 'L’unité a déjà un service « {name} »',
  'section.exists': 'Une section « {name} » existe déjà',
  'event.roleHeld': 'Cette personne a déjà le rôle {role} dans cet événement',
  'event.roleMissing': 'Cette personne n’a pas le rôle {role} dans cet événement',
  'event.notMemberInvite':
    '{who} n’est pas membre de cette organisation ; seuls ses administrateurs ' +
    'invitent de nouvelles personnes (donnez ensuite le rôle ici)',
  'room.nameTaken': 'Une salle nommée « {name} » existe déjà dans cet événement',
  'room.capacityBelowOccupancy':
    'La capacité {capacity} est inférieure au nombre de personnes présentes ({occupancy})',
  'session.outsideEvent':
    'La session doit avoir lieu pendant l’événement (du {start:local} au {end:local}, heure de {start:zone})',
  'session.roomTaken':
    'La salle est occupée par « {title} » (du {start:local} au {end:local}, heure de {start:zone})',
  'roomSlot.userBusy':
    'Cette personne a déjà une salle du {start:local} au {end:local} (heure de {start:zone})',
  'import.unknownColumn': 'Colonne inconnue « {column} » : les colonnes sont {columns}',
  'import.unknownColumnField': 'ligne 1 : colonne inconnue « {column} »',
  'import.columnTwice': 'La colonne {column} apparaît deux fois',
  'import.columnTwiceField': 'ligne 1 : la colonne {column} apparaît deux fois',
  'import.notCsv': 'Le fichier n’est pas un CSV valide : {reason}',
  'import.tooManyRows': 'Au plus {max} lignes par fichier (celui-ci en a {rows})',
  'import.tooManyRowsField': 'plus de {max} lignes',
  'import.rowsInError': '{rows} ligne(s) du fichier sont en erreur : rien n’a été importé',
  'performer.inactive': 'L’intervenant {performer} est inactif et ne peut pas être affecté',
  'performer.alreadyAssigned':
    'L’intervenant {performer} est déjà affecté au micro {unit} : réutilisez cette affectation ou supprimez-la d’abord',
  'performer.alreadyAssignedField': '{performer} est déjà affecté à ce micro',
  'performer.onUnit': 'L’artiste {performer} est déjà affecté au micro {unit}',
  'group.nameTaken': 'Un groupe de suivi nommé {name} existe déjà',
  'location.exists': 'Un lieu {building} / {room} existe déjà',
  'chassis.serialTaken': 'Un châssis de numéro de série {serial} existe déjà',
  'chassis.slotTaken': 'L’emplacement {slot} du châssis {chassis} est déjà pris',
  'chassis.slotTakenHere': 'L’emplacement {slot} de ce châssis est déjà pris',
  'receiver.unreachable':
    '{ip} est {range}, à laquelle le serveur ne se connecte pas ; un récepteur sur le ' +
    'réseau du lieu demande que l’exploitant autorise ce réseau (OUTBOUND_ALLOW_NETWORKS)',
  'alert.already': 'Cette alerte est déjà à l’état {state}',
  'board.cannotHold': 'Le tableau de {group} ne peut pas contenir ces emplacements',
  'receiver.taken': 'Ce récepteur est déjà le châssis {chassis}',
  'battery.levels':
    'battery_critical_percent ({critical}) doit être inférieur à battery_warning_percent ({warning})',
  'asset.scheme': 'doit utiliser {schemes} pour un contenu {type}',
  'plan.limit': 'Limite du forfait atteinte : {limit} vaut {max} ({what})',
  'plan.limitField': 'limite de {max} atteinte',
  'plan.usedMembers': '{count} membres actifs ; retirez des membres ou changez de forfait',
  'plan.usedAssets': '{count} contenus enregistrés',
  'plan.usedBytes': '{count} octets enregistrés',
  'plan.usedScreens': '{count} écrans appairés',
  'billing.stale':
    'L’horodatage de la signature Stripe sort de la tolérance de {seconds} s (événement rejoué ou retardé)',
  'billing.unknownPlan': 'Forfait inconnu « {plan} » ({plans} attendu)',
  'plan.rate':
    'Le forfait de cette organisation permet {limit} requêtes d’API par minute ; réessayez dans {seconds} s',
  'backup.lacksFile': 'L’archive ne contient pas le fichier du contenu « {asset} »',
  'backup.noManifest': 'L’archive n’a pas de {file} : ce n’est pas une sauvegarde de l’affichage Roster',
  'backup.notJson': '{file} n’est pas du JSON',
  'backup.invalid': '{file} n’est pas une sauvegarde valide',
};

const PHRASES: Record<Language, Record<PhraseCode, string>> = { en: PHRASES_EN, fr: PHRASES_FR };

/** A moment and the clock it is told on (an event's zone). */
export interface ZonedTime {
  at: Date;
  zone: string;
}

/** A fixed English text inside a phrase (a reason, a thing's name), worded by the catalogue. */
export interface FixedText {
  fixed: string;
}

export type PhraseValue = string | number | Date | ZonedTime | FixedText | Phrase;

/** A problem text with values: a code of `PHRASES` and its parameters, worded in the client's language. */
export interface Phrase {
  readonly code: PhraseCode;
  readonly params: Readonly<Record<string, PhraseValue>>;
}

/** What a problem's detail or field message is raised as: fixed English text, or a phrase. */
export type ProblemText = string | Phrase;

/** The parameter names of a template: `{title}` and `{start:local}` give `title | start`. */
type ParamNames<S extends string> = S extends `${string}{${infer P}}${infer Rest}`
  ? (P extends `${infer N}:${string}` ? N : P) | ParamNames<Rest>
  : never;

export type PhraseParams<C extends PhraseCode> = Record<ParamNames<(typeof PHRASES_EN)[C]>, PhraseValue>;

const PLACEHOLDER = /\{(\w+)(?::(\w+))?\}/g;

/** The parameter names a template uses, each once. */
export const templateParams = (template: string) =>
  [...new Set([...template.matchAll(PLACEHOLDER)].map((m) => m[1]))].sort();

/**
 * A phrase for a problem: `conflict(phrase('room.nameTaken', { name }))`. A parameter missing at run
 * time (a value that is `undefined` despite its type) is a programming error, thrown here.
 */
export function phrase<C extends PhraseCode>(code: C, params: PhraseParams<C>): Phrase {
  const given = params as Record<string, PhraseValue | undefined>;
  for (const lang of LANGUAGES) {
    const missing = templateParams(PHRASES[lang][code]).filter((name) => given[name] === undefined);
    if (missing.length) throw new Error(`problem text ${code} (${lang}) needs ${missing.join(', ')}`);
  }
  return { code, params };
}

export const isPhrase = (text: ProblemText): text is Phrase => typeof text !== 'string';

const isZoned = (v: PhraseValue): v is ZonedTime => typeof v === 'object' && 'at' in v && 'zone' in v;

/** `phrase('receiver.unreachable', { range: fixed('a loopback address'), … })`. */
export const fixed = (text: string): FixedText => ({ fixed: text });

const isFixed = (v: PhraseValue): v is FixedText => typeof v === 'object' && 'fixed' in v;

/**
 * `03/12/2026 09:00` or `3 Dec 2026, 09:00` on the zone's clock; English spells the month, since
 * English readers disagree on the order of day and month.
 */
function localTime(v: ZonedTime, lang: Language): string {
  return new Intl.DateTimeFormat(lang === 'fr' ? 'fr-FR' : 'en-GB', {
    timeZone: v.zone,
    dateStyle: lang === 'fr' ? 'short' : 'medium',
    timeStyle: 'short',
  }).format(v.at);
}

function formatValue(v: PhraseValue, format: string | undefined, lang: Language): string {
  if (typeof v === 'string') return v;
  if (typeof v === 'number') return String(v);
  if (v instanceof Date) return v.toISOString();
  if (isZoned(v)) {
    if (format === 'zone') return v.zone;
    return localTime(v, lang);
  }
  if (isFixed(v)) return problemText(v.fixed, lang);
  return wordIn(v, lang);
}

/** A phrase worded in `lang`, its values inserted. */
export function wordIn(p: Phrase, lang: Language): string {
  return PHRASES[lang][p.code].replace(PLACEHOLDER, (_, name: string, format?: string) => {
    const value = p.params[name];
    if (value === undefined) throw new Error(`problem text ${p.code} (${lang}) needs ${name}`);
    return formatValue(value, format, lang);
  });
}

/** A problem text in `lang`: a phrase from its template, a fixed text from the catalogue. */
export const textIn = (text: ProblemText, lang: Language) =>
  isPhrase(text) ? wordIn(text, lang) : problemText(text, lang);

/** The codes and templates of every language, for the test that checks they agree. */
export const phraseCatalogues = (): Record<Language, Readonly<Record<string, string>>> => PHRASES;

export interface ProblemBody {
  title: string;
  detail: string;
  errors?: Array<{ path: string; message: string }>;
  [member: string]: unknown;
}

/** The texts a problem was raised with, when they hold phrases (the body has their English). */
export interface ProblemTexts {
  detail: ProblemText;
  errors?: Array<{ message: ProblemText }>;
}

const VALIDATION_PREFIX = 'Invalid request: ';

/**
 * A problem body in `lang`: title, detail and field messages (from their phrases when raised as
 * such); a validation summary is written again from the translated field messages so it reads in
 * one language.
 */
export function localizeProblem<P extends ProblemBody>(body: P, lang: Language, texts?: ProblemTexts): P {
  if (lang === 'en') return body;
  const errors = body.errors?.map((e, i) => ({
    ...e,
    message: textIn(texts?.errors?.[i]?.message ?? e.message, lang),
  }));
  const detail =
    errors && body.detail.startsWith(VALIDATION_PREFIX)
      ? `Requête invalide : ${errors.map((e) => `${e.path} ${e.message}`).join(' ; ')}`
      : texts && isPhrase(texts.detail)
        ? wordIn(texts.detail, lang)
        : localizedDetail(body.detail, lang);
  return { ...body, title: problemText(body.title, lang), detail, ...(errors ? { errors } : {}) };
}

/** A detail such as `body.end_date: must be after start_date` keeps its path and translates the rest. */
function localizedDetail(detail: string, lang: Language): string {
  const field = /^((?:body|query|params|headers)\.[\w.]+|file): (.+)$/.exec(detail);
  if (field) return `${field[1]} : ${problemText(field[2], lang)}`;
  return problemText(detail, lang);
}
