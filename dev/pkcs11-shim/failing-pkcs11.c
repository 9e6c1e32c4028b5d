/*
 * A PKCS#11 module that forwards every call to a real one (PKCS11_SHIM_TARGET, e.g. SoftHSM2) and fails on demand:
 * while the file PKCS11_SHIM_FAIL_FILE exists, every call that reaches the token answers CKR_DEVICE_REMOVED and
 * closes the session it was given, as a token pulled out (or a network HSM gone) would leave it. Remove the file and
 * the token answers again; sessions opened before are gone, so the caller must reconnect and log in afresh. While the
 * file holds "hang", encryption and decryption do not answer at all (a network HSM that stopped responding): each
 * such call waits until the file is gone, then answers as usual.
 * Tests point PKCS11_MODULE at this (dev/softhsm.ts compiles it); the app cannot tell it from the real module.
 */
#include <dlfcn.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>
#include <pkcs11/pkcs11.h>

static CK_FUNCTION_LIST_PTR real;
static CK_FUNCTION_LIST shim;
static const char *fail_file;

/* 'd': down (fails at once), 'h': hanging (does not answer), 0: up. */
static char state(void) {
  if (fail_file == NULL) return 0;
  FILE *file = fopen(fail_file, "r");
  if (file == NULL) return 0;
  int first = fgetc(file);
  fclose(file);
  return first == 'h' ? 'h' : 'd';
}

static int down(void) { return state() == 'd'; }

/* A hanging token: the call waits (on its libuv thread) until the token answers again. */
static void wait_while_hanging(void) {
  while (state() == 'h') usleep(20000);
}

/* The token is gone: the session dies with it. */
static CK_RV lost(CK_SESSION_HANDLE session) {
  real->C_CloseSession(session);
  return CKR_DEVICE_REMOVED;
}

static CK_RV shim_GetTokenInfo(CK_SLOT_ID slot, CK_TOKEN_INFO_PTR info) {
  return down() ? CKR_DEVICE_REMOVED : real->C_GetTokenInfo(slot, info);
}

static CK_RV shim_OpenSession(CK_SLOT_ID slot, CK_FLAGS flags, CK_VOID_PTR app, CK_NOTIFY notify, CK_SESSION_HANDLE_PTR session) {
  return down() ? CKR_DEVICE_REMOVED : real->C_OpenSession(slot, flags, app, notify, session);
}

static CK_RV shim_Login(CK_SESSION_HANDLE s, CK_USER_TYPE type, CK_UTF8CHAR_PTR pin, CK_ULONG len) {
  return down() ? lost(s) : real->C_Login(s, type, pin, len);
}

static CK_RV shim_FindObjectsInit(CK_SESSION_HANDLE s, CK_ATTRIBUTE_PTR t, CK_ULONG n) {
  return down() ? lost(s) : real->C_FindObjectsInit(s, t, n);
}

static CK_RV shim_GetAttributeValue(CK_SESSION_HANDLE s, CK_OBJECT_HANDLE o, CK_ATTRIBUTE_PTR t, CK_ULONG n) {
  return down() ? lost(s) : real->C_GetAttributeValue(s, o, t, n);
}

static CK_RV shim_EncryptInit(CK_SESSION_HANDLE s, CK_MECHANISM_PTR m, CK_OBJECT_HANDLE k) {
  return down() ? lost(s) : real->C_EncryptInit(s, m, k);
}

static CK_RV shim_Encrypt(CK_SESSION_HANDLE s, CK_BYTE_PTR in, CK_ULONG inLen, CK_BYTE_PTR out, CK_ULONG_PTR outLen) {
  wait_while_hanging();
  return down() ? lost(s) : real->C_Encrypt(s, in, inLen, out, outLen);
}

static CK_RV shim_DecryptInit(CK_SESSION_HANDLE s, CK_MECHANISM_PTR m, CK_OBJECT_HANDLE k) {
  return down() ? lost(s) : real->C_DecryptInit(s, m, k);
}

static CK_RV shim_Decrypt(CK_SESSION_HANDLE s, CK_BYTE_PTR in, CK_ULONG inLen, CK_BYTE_PTR out, CK_ULONG_PTR outLen) {
  wait_while_hanging();
  return down() ? lost(s) : real->C_Decrypt(s, in, inLen, out, outLen);
}

static CK_RV shim_GenerateKey(CK_SESSION_HANDLE s, CK_MECHANISM_PTR m, CK_ATTRIBUTE_PTR t, CK_ULONG n, CK_OBJECT_HANDLE_PTR k) {
  return down() ? lost(s) : real->C_GenerateKey(s, m, t, n, k);
}

CK_RV C_GetFunctionList(CK_FUNCTION_LIST_PTR_PTR list) {
  if (list == NULL) return CKR_ARGUMENTS_BAD;
  if (real == NULL) {
    const char *target = getenv("PKCS11_SHIM_TARGET");
    void *module = target ? dlopen(target, RTLD_NOW | RTLD_LOCAL) : NULL;
    CK_C_GetFunctionList get = module ? (CK_C_GetFunctionList)dlsym(module, "C_GetFunctionList") : NULL;
    if (get == NULL || get(&real) != CKR_OK) return CKR_GENERAL_ERROR;
    fail_file = getenv("PKCS11_SHIM_FAIL_FILE");
    shim = *real;
    shim.C_GetTokenInfo = shim_GetTokenInfo;
    shim.C_OpenSession = shim_OpenSession;
    shim.C_Login = shim_Login;
    shim.C_FindObjectsInit = shim_FindObjectsInit;
    shim.C_GetAttributeValue = shim_GetAttributeValue;
    shim.C_EncryptInit = shim_EncryptInit;
    shim.C_Encrypt = shim_Encrypt;
    shim.C_DecryptInit = shim_DecryptInit;
    shim.C_Decrypt = shim_Decrypt;
    shim.C_GenerateKey = shim_GenerateKey;
  }
  *list = &shim;
  return CKR_OK;
}
