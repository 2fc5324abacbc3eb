#ifndef HK_CORE_IDNUM_H
#define HK_CORE_IDNUM_H

/* Resident identity numbers, GB 11643-1999: a 6-digit address code (the county of first
 * registration, which never changes when hukou moves), an 8-digit birth date, a 3-digit
 * sequence whose parity gives the sex (odd male, even female), and an ISO 7064 MOD 11-2 check
 * character. First-generation 15-digit numbers (GB 11643-1989) have a 2-digit year and no check
 * character; they are upgraded by inserting "19" and computing the check character. */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/date.h"

#define HK_IDNUM_LEN 18
#define HK_IDNUM_INPUT_MAX 64 /* anything longer is a length error without being copied */

typedef enum hk_idnum_fault {
  HK_IDNUM_OK,
  HK_IDNUM_LENGTH,     /* not 15 or 18 characters after trimming */
  HK_IDNUM_FORMAT,     /* not digits (an 18-digit number may end in X) */
  HK_IDNUM_PROVINCE,   /* the first two digits name no province */
  HK_IDNUM_BIRTH_DATE, /* not a real calendar date, or in the future */
  HK_IDNUM_CHECKSUM,   /* the check character does not match */
} hk_idnum_fault;

typedef struct hk_idnum {
  hk_idnum_fault fault;
  char number[HK_IDNUM_LEN + 1]; /* normalised; valid only when fault == HK_IDNUM_OK */
  bool upgraded;                 /* was a 15-digit number */
  hk_date birth_date;            /* HK_DATE_NONE until the birth date check passed */
  char sex;                      /* 'M' or 'F'; 0 until the format check passed */
  int32_t division;              /* the address code; 0 until the format check passed */
} hk_idnum;

/* Check and normalise one number: trim ASCII white space, lowercase x to X, upgrade 15 digits.
 * Birth dates after `today` are faults. Returns true when valid; *out says why otherwise. */
bool hk_idnum_check(const char *input, hk_date today, hk_idnum *out);

/* Quick test for an already normalised 18-character number (no allocation, no date check
 * against today): used on hot paths and by the store. */
bool hk_idnum_valid18(const char *number);

/* The ISO 7064 MOD 11-2 check character of the first 17 digits. */
char hk_idnum_check_char(const char *first17);
/* The same check over any n digits (certificate identifiers, GB/T 36902 style). */
char hk_iso7064_mod11_2(const char *digits, size_t n);

/* A normalised 18-character number as one nonzero integer (17 digits times 11 plus the check
 * value, X being 10), for compact in-memory indexes. 0 when not 18 well-formed characters. */
uint64_t hk_idnum_pack(const char *number);

/* "length", "format", "province", "birth_date", "checksum"; NULL for HK_IDNUM_OK. */
const char *hk_idnum_fault_name(hk_idnum_fault fault);

/* Mask for logs and answers: the first 6 and last 4 characters kept, "330106********0018".
 * out must hold 19 bytes. Never write a full number to a log. */
char *hk_idnum_mask(const char *number, char out[HK_IDNUM_LEN + 1]);

#endif
