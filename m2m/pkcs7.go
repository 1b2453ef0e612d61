package m2m

import (
	"crypto/x509"
	"encoding/asn1"
	"errors"
)

// maxChainCerts caps the certificates taken from one chain: a real M2M chain
// has three (leaf, ATO intermediate, root).
const maxChainCerts = 16

var oidSignedData = asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 7, 2}

var errNotSignedData = errors.New("not a PKCS#7 SignedData certificate chain")

// parsePKCS7Certs returns the certificates of a PKCS#7 SignedData, BER or
// DER. Only the certificates are read: the ATO's SignerInfo signs nothing we
// use. Certificates are parsed from their original bytes when the input is
// already DER, so their fingerprints are those the issuer signed.
func parsePKCS7Certs(data []byte) ([]*x509.Certificate, error) {
	certs, err := parseSignedDataDER(data)
	if err == nil {
		return certs, nil
	}
	der, berr := berToDER(data)
	if berr != nil {
		return nil, err
	}
	return parseSignedDataDER(der)
}

func parseSignedDataDER(der []byte) ([]*x509.Certificate, error) {
	var ci struct {
		ContentType asn1.ObjectIdentifier
		Content     asn1.RawValue `asn1:"explicit,optional,tag:0"`
	}
	rest, err := asn1.Unmarshal(der, &ci)
	if err != nil {
		return nil, err
	}
	if len(rest) != 0 || !ci.ContentType.Equal(oidSignedData) {
		return nil, errNotSignedData
	}
	// encoding/asn1 hands an EXPLICIT RawValue back with its [0] wrapper.
	var sd asn1.RawValue
	if rest, err := asn1.Unmarshal(ci.Content.Bytes, &sd); err != nil || len(rest) != 0 {
		return nil, errNotSignedData
	}
	if sd.Class != asn1.ClassUniversal || sd.Tag != asn1.TagSequence || !sd.IsCompound {
		return nil, errNotSignedData
	}
	// SignedData ::= SEQUENCE { version, digestAlgorithms SET,
	//   encapContentInfo SEQUENCE, certificates [0] IMPLICIT OPTIONAL,
	//   crls [1] IMPLICIT OPTIONAL, signerInfos SET }
	body := sd.Bytes
	var fields []asn1.RawValue
	for len(body) > 0 && len(fields) < 8 {
		var f asn1.RawValue
		if body, err = asn1.Unmarshal(body, &f); err != nil {
			return nil, err
		}
		fields = append(fields, f)
	}
	if len(body) != 0 || len(fields) < 3 ||
		fields[0].Tag != asn1.TagInteger || fields[1].Tag != asn1.TagSet || fields[2].Tag != asn1.TagSequence {
		return nil, errNotSignedData
	}
	var certs []*x509.Certificate
	for _, f := range fields[3:] {
		if f.Class != asn1.ClassContextSpecific || f.Tag != 0 || !f.IsCompound {
			continue
		}
		rest := f.Bytes
		for len(rest) > 0 {
			var e asn1.RawValue
			if rest, err = asn1.Unmarshal(rest, &e); err != nil {
				return nil, err
			}
			// Other CertificateChoices (attribute certificates) are tagged; skip them.
			if e.Class != asn1.ClassUniversal || e.Tag != asn1.TagSequence {
				continue
			}
			if len(certs) >= maxChainCerts {
				return nil, errors.New("too many certificates in chain")
			}
			c, err := x509.ParseCertificate(e.FullBytes)
			if err != nil {
				return nil, err
			}
			certs = append(certs, c)
		}
	}
	if len(certs) == 0 {
		return nil, errors.New("no certificates in PKCS#7")
	}
	return certs, nil
}

// marshalPKCS7Certs writes a degenerate (signer-less) SignedData holding the
// certificates in order, in DER, which every BER reader also accepts: the
// structure RFC 2315 §9.1 and RFC 5652 §5 give for a certificate-only
// chain, with an empty CRL list, byte for byte as smallstep/pkcs7's
// DegenerateCertificate wrote it before (a test holds the two together).
func marshalPKCS7Certs(certs []*x509.Certificate) ([]byte, error) {
	var raw []byte
	for _, c := range certs {
		raw = append(raw, c.Raw...)
	}
	emptySet := asn1.RawValue{Class: asn1.ClassUniversal, Tag: asn1.TagSet, IsCompound: true, Bytes: []byte{}}
	sd, err := asn1.Marshal(struct {
		Version          int
		DigestAlgorithms asn1.RawValue
		ContentInfo      struct{ ContentType asn1.ObjectIdentifier }
		Certificates     asn1.RawValue
		CRLs             asn1.RawValue
		SignerInfos      asn1.RawValue
	}{
		Version:          1,
		DigestAlgorithms: emptySet,
		ContentInfo:      struct{ ContentType asn1.ObjectIdentifier }{oidData},
		Certificates:     asn1.RawValue{Class: asn1.ClassContextSpecific, Tag: 0, IsCompound: true, Bytes: raw},
		CRLs:             asn1.RawValue{Class: asn1.ClassContextSpecific, Tag: 1, IsCompound: true, Bytes: []byte{}},
		SignerInfos:      emptySet,
	})
	if err != nil {
		return nil, err
	}
	return asn1.Marshal(struct {
		ContentType asn1.ObjectIdentifier
		Content     asn1.RawValue
	}{oidSignedData, asn1.RawValue{Class: asn1.ClassContextSpecific, Tag: 0, IsCompound: true, Bytes: sd}})
}
